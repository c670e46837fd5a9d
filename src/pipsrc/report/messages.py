"""Finding messages in the report's language.

Rules word their messages once, in English (the text formats, JSON and SARIF print them
as they are). The Chinese report words them from the templates below: each English
template is read back into its values (``{name}``: one token, a URL or a key, kept as it
is; ``{name*}``: a run of words kept as it is, put in a code span; ``{~name}``: a phrase
worded in turn, so a finding's note or reason is translated too), then written with the
Chinese template. A message no template reads stays in English; tests/test_report_zh.py
reads back every message of the rules' examples and of the fixtures, so a rule that words
a new message without a Chinese template fails there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from pipsrc.catalogue import catalogue
from pipsrc.kinds import NOT_FIXED
from pipsrc.report.phrases import NOT_CHECKED, PHRASES

_FORMS_ZH = {"alias": "别名", "legacy": "旧", "intranet": "云内网", "http": "http",
             "canonical": "正式", "vendor": "厂商"}  # fmt: skip

# (English template, Chinese template), most specific first within a family
ZH: tuple[tuple[str, str], ...] = (
    # PS101, PS105
    (
        "index {url} is not the policy index {target} ({~note})",
        "索引 {url} 不是策略镜像源 {target}（{note}）",
    ),
    ("index {url} is not the policy index {target}", "索引 {url} 不是策略镜像源 {target}"),
    (
        "index {url} is not fallback index {target} ({~note})",
        "索引 {url} 不是备用源 {target}（{note}）",
    ),
    ("index {url} is not fallback index {target}", "索引 {url} 不是备用源 {target}"),
    (
        "index {url} differs from the repository's usual index {ref}",
        "索引 {url} 与仓库常用的源 {ref} 不一致",
    ),
    (
        "extra index {url} differs from the repository's usual index {ref}",
        "额外索引 {url} 与仓库常用的源 {ref} 不一致",
    ),
    # PS102, PS103, PS106
    (
        "extra index {url} is not allowed by the policy ({~note})",
        "策略不允许额外索引 {url}（{note}）",
    ),
    ("extra index {url} is not allowed by the policy", "策略不允许额外索引 {url}"),
    (
        "extra index {url} repeats the primary index ({~note})",
        "额外索引 {url} 与主索引重复（{note}）",
    ),
    ("extra index {url} repeats the primary index", "额外索引 {url} 与主索引重复"),
    (
        "{vendor*} index {url} is an extra index: every package may come from it; install the "
        "vendor packages with --index-url instead",
        "{vendor} 源 {url} 被用作额外索引：任何包都可能从它下载；"
        "请改为在安装这些厂商包的命令上使用 "
        "`--index-url`",
    ),
    (
        "{vendor*} page {url} is a find-links page, not an index: as an extra index pip finds "
        "nothing there; pass it with -f/--find-links",
        "{vendor} 页面 {url} 是 find-links 页面而不是索引：作为额外索引 pip 在那里找不到任何包；"
        "请改用 `-f`/`--find-links` 传入",
    ),
    # PS104
    (
        "{cmd*} uses pypi.org as its default index: only extra indexes are configured for it "
        "({~note})",
        "{cmd} 以 `pypi.org` 为默认源：只为它配置了额外索引（{note}）",
    ),
    (
        "{cmd*} uses pypi.org as its default index: only extra indexes are configured for it",
        "{cmd} 以 `pypi.org` 为默认源：只为它配置了额外索引",
    ),
    (
        "{cmd*} uses pypi.org: no index is configured for it ({~note})",
        "{cmd} 使用 `pypi.org`：没有为它配置源（{note}）",
    ),
    (
        "{cmd*} uses pypi.org: no index is configured for it",
        "{cmd} 使用 `pypi.org`：没有为它配置源",
    ),
    (
        "{cmd*} depends on the Dockerfile this fragment is included in: no index is configured "
        "in the fragment",
        "{cmd} 依赖包含此片段的 Dockerfile：片段中没有配置源",
    ),
    (
        "{cmd*} uses the build argument {arg}, which has no default here: the index is whatever "
        "the build passes in",
        "{cmd} 使用构建参数 `{arg}`，此处没有默认值：源取决于构建时传入的值",
    ),
    (
        "{cmd*} uses pypi.org on a GitHub-hosted runner, outside the network the policy is for "
        "(a self-hosted runner would be checked)",
        "{cmd} 在 GitHub 托管的运行器上使用 `pypi.org`，"
        "不在策略所针对的网络内（自托管运行器会被检查）",
    ),
    (
        "Poetry resolves this project from pypi.org first: the url-less PyPI source is the first "
        'primary one; make the policy index\'s source the first with `priority = "primary"` and '
        "lock again",
        "Poetry 首先从 `pypi.org` 解析此项目：没有 URL 的 PyPI 源是第一个 primary 源；"
        '请让策略源成为第一个 `priority = "primary"` 的源，然后重新锁定',
    ),
    (
        "Poetry resolves this project from pypi.org first: none of its sources is primary "
        '({levels*}); make the policy index\'s source the first with `priority = "primary"` and '
        "lock again",
        "Poetry 首先从 `pypi.org` 解析此项目：它的源都不是 primary（{levels}）；"
        '请让策略源成为第一个 `priority = "primary"` 的源，然后重新锁定',
    ),
    (
        "PDM searches pypi.org beside this source: no source is named `pypi` and no pdm.toml "
        "sets `[pypi] url`; name the policy index's source `pypi` and lock again",
        "PDM 会在此源之外同时搜索 `pypi.org`：没有名为 `pypi` 的源，也没有 pdm.toml 设置 "
        "`[pypi] url`；请把策略源命名为 `pypi`，然后重新锁定",
    ),
    # PS107
    ("{url} is a {form} address of {~name}; use {new}", "{url} 是{name}的{form}地址；请使用 {new}"),
    # PS108
    (
        "{lock} was resolved against {urls*}, which the policy does not allow: point the project "
        "at the policy index and run {cmd*}",
        "`{lock}` 是按 {urls} 解析的，策略不允许该源：请把项目指向策略镜像源，然后运行 {cmd}",
    ),
    # PS109
    (
        "this fallback ({cmd*} || ... {n} attempts) would try the policy index every time once "
        "fixed: name the later attempts' indexes in `fallback-indexes` in the policy, or keep one "
        "attempt ({~note})",
        "该安装回退链（{cmd} || ……共 {n} 次尝试）修复后每次都会尝试策略镜像源：请在策略的 "
        "`fallback-indexes` 中写明后续尝试的源，或只保留一次尝试（{note}）",
    ),
    (
        "this fallback ({cmd*} || ... {n} attempts) would try the policy index every time once "
        "fixed: name the later attempts' indexes in `fallback-indexes` in the policy, or keep one "
        "attempt",
        "该安装回退链（{cmd} || ……共 {n} 次尝试）修复后每次都会尝试策略镜像源：请在策略的 "
        "`fallback-indexes` 中写明后续尝试的源，或只保留一次尝试",
    ),
    (
        "attempt {k} of this fallback uses the default index; the policy's fallback for it is "
        "{url}",
        "该回退链的第 {k} 次尝试使用默认源；策略为它指定的备用源是 {url}",
    ),
    (
        "this message names {name}, which no attempt of the fallback uses once fixed: reword it",
        "这条消息提到 `{name}`，修复后回退链中已没有尝试使用它：请修改措辞",
    ),
    # PS201 to PS205, PS301
    ("index {url} uses plain http", "索引 {url} 使用明文 http"),
    (
        "http index {url} has no trusted-host {host}: pip will refuse it",
        "http 源 {url} 没有对应的 trusted-host `{host}`：pip 会拒绝使用它",
    ),
    (
        "trusted-host {host} is not used by any index in scope",
        "trusted-host `{host}` 没有被作用域内的任何源使用",
    ),
    (
        "trusted-host {host} is only used by https indexes",
        "trusted-host `{host}` 只被 https 源使用",
    ),
    (
        "trusted-host {host} has a scheme or path; pip ignores it",
        "trusted-host `{host}` 带有协议或路径；pip 会忽略它",
    ),
    ("index URL embeds credentials ({~found})", "索引 URL 中包含凭据（{found}）"),
    # PS401, PS403, PS404
    (
        "{key} is shadowed by {other} set on line {n}: the environment variable wins",
        "`{key}` 被第 {n} 行设置的 `{other}` 覆盖：环境变量优先",
    ),
    (
        "{key} is shadowed by {other} set on line {n}: both name the same index, so it has no "
        "effect",
        "`{key}` 被第 {n} 行设置的 `{other}` 覆盖：两者指向同一个源，因此它不起作用",
    ),
    (
        "{cmd*} ignores {key} set on line {n} (uv reads neither pip's configuration nor PIP_* "
        "variables): it uses pypi.org; set UV_DEFAULT_INDEX for it",
        "{cmd} 忽略第 {n} 行设置的 `{key}`（uv 既不读取 pip 的配置，"
        "也不读取 `PIP_*` 变量）：它会使用 "
        "`pypi.org`；请为它设置 `UV_DEFAULT_INDEX`",
    ),
    (
        "{key} is written to {owner}'s pip configuration, but {cmd*} on line {n} runs as {user} "
        "and does not read it",
        "`{key}` 写入了用户 `{owner}` 的 pip 配置，但第 {n} 行的 {cmd} 以用户 `{user}` 运行，"
        "不会读取它",
    ),
    # PS601 to PS603
    (
        "channel {name} is looked up at {url}: this file sends it to no mirror (channel_alias, "
        "custom_channels)",
        "频道 `{name}` 会在 {url} 查找："
        "该文件没有把它指向任何镜像（`channel_alias`、`custom_channels`）",
    ),
    (
        "channel {url} is not on the conda mirror {mirror}: the mirror does not carry it",
        "频道 {url} 不在 conda 镜像 {mirror} 上：该镜像不提供此频道",
    ),
    ("channel {url} is not on the conda mirror {mirror}", "频道 {url} 不在 conda 镜像 {mirror} 上"),
    (
        "{what} {url} is not the conda mirror's channel base {base}",
        "`{what}` {url} 不是 conda 镜像的频道根地址 {base}",
    ),
    (
        "{what} {url} is not on the conda mirror {mirror}: the mirror does not carry it",
        "`{what}` {url} 不在 conda 镜像 {mirror} 上：该镜像不提供此频道",
    ),
    (
        "{what} {url} is not on the conda mirror {mirror}",
        "`{what}` {url} 不在 conda 镜像 {mirror} 上",
    ),
    (
        "`defaults` is repo.anaconda.com (pkgs/main, r, msys2) unless default_channels points "
        "elsewhere",
        "`defaults` 即 `repo.anaconda.com`（`pkgs/main`、`r`、`msys2`），"
        "除非 `default_channels` 指向别处",
    ),
    (
        "conda adds the configured channels to this file's (`defaults`, repo.anaconda.com, on "
        "Anaconda and Miniconda) unless `channels` lists `nodefaults`",
        "conda 会把已配置的频道（Anaconda 和 Miniconda 上为 `defaults`，即 `repo.anaconda.com`）"
        "加入该文件的频道，除非 `channels` 中列出了 `nodefaults`",
    ),
    (
        "{url} is Anaconda's repository (repo.anaconda.com)",
        "{url} 是 Anaconda 的官方仓库（`repo.anaconda.com`）",
    ),
    (
        "{key} names its channel twice: conda appends the name to {url}",
        "`{key}` 把频道名写了两次：conda 会把名称再追加到 {url} 后面",
    ),
    (
        "{key} is {url} but channel_alias is {alias}",
        "`{key}` 是 {url}，但 `channel_alias` 是 {alias}",
    ),
    (
        "{url} is a {form} address of {~name}, and the catalogue marks {~name2} as unreliable "
        "({~note}); choose another mirror, such as {ids*} (`pipsrc fix --mirror ID`)",
        "{url} 是{name}的{form}地址，且镜像目录把{name2}标为不可靠（{note}）；"
        "请改用其他镜像，例如 {ids}（`pipsrc fix --mirror ID`）",
    ),
    # PS110, PS111 (the internal proxy)
    (
        "the proxy's upstream {url} is not the policy's upstream {target}",
        "代理的上游源 {url} 不是策略指定的上游源 {target}",
    ),
    (
        "the proxy's upstream {url} is not the policy's upstream {target} ({~note})",
        "代理的上游源 {url} 不是策略指定的上游源 {target}（{note}）",
    ),
    (
        "vendor index {url} is fetched from the internet, not through the proxy: use its "
        "mirror index {new}",
        "厂商源 {url} 直接从互联网下载，没有经过代理：请改用代理上对应的镜像索引 {new}",
    ),
    (
        "vendor index {url} is fetched from the internet, not through the proxy ({~note})",
        "厂商源 {url} 直接从互联网下载，没有经过代理（{note}）",
    ),
    # PS401 in poetry.toml
    (
        "{key}: a poetry.toml repository is an upload target for `poetry publish -r NAME`: "
        "installs read only [[tool.poetry.source]]",
        "`{key}`：poetry.toml 中的仓库是 `poetry publish -r NAME` 的上传目标："
        "安装只读取 `[[tool.poetry.source]]`",
    ),
    # PS900, PS901
    ("suppression comment suppresses nothing", "忽略注释没有忽略任何问题"),
    ("YAML parse error: {detail*}", "YAML 解析错误：{detail}"),
    ("not valid TOML: {detail*}", "不是有效的 TOML：{detail}"),
    ("cannot read line {n} of the .env file", "无法读取 `.env` 文件第 {n} 行"),
    (
        "could not parse shell at line {n} ({~why}): not fixed",
        "第 {n} 行的 shell 无法解析（{why}）：未修复",
    ),
    ("duplicate key {key} in a mapping", "映射中有重复的键 `{key}`"),
    ("Python syntax error on line {n}", "第 {n} 行有 Python 语法错误"),
    (
        "not valid JSON ({detail*}): notebook not read",
        "不是有效的 JSON（{detail}）：未读取该笔记本",
    ),
    (
        "content before the first section header: {tool} refuses the file ('no section headers')",
        "第一个节标题之前有内容：{tool} 拒绝读取该文件（`no section headers`）",
    ),
    (
        "duplicate option {key} in {section}: pip refuses the file",
        "`{section}` 中有重复的选项 `{key}`：pip 拒绝读取该文件",
    ),
    ("pip: no such option: {option}", "pip 没有这个选项：`{option}`"),
    ("unterminated heredoc {word*}", "heredoc {word} 没有结束"),
    ("could not read instruction: {detail*}", "无法读取指令：{detail}"),
    # PS401's reasons (``KEY: reason``): the key first, then the reason worded in turn
    ("{key}: {~reason}", "`{key}`：{reason}"),
)

_SLOT = re.compile(r"\{(~?)(\w+)(\*?)\}")


@functools.cache
def _compiled(
    table: tuple[tuple[str, str], ...],
) -> list[tuple[re.Pattern[str], str, frozenset[str], frozenset[str]]]:
    """Each template as a regex, with the names of its phrase slots and of its code slots."""
    out = []
    for english, chinese in table:
        parts: list[str] = []
        phrases, spans = set(), set()
        pos = 0
        for m in _SLOT.finditer(english):
            parts.append(re.escape(english[pos : m.start()]))
            phrase, name, words = m.group(1), m.group(2), m.group(3)
            parts.append(f"(?P<{name}>.+?)" if phrase or words else rf"(?P<{name}>\S+?)")
            if phrase:
                phrases.add(name)
            elif words:
                spans.add(name)
            pos = m.end()
        parts.append(re.escape(english[pos:]))
        out.append((re.compile("".join(parts), re.DOTALL), chinese, frozenset(phrases),
                    frozenset(spans)))  # fmt: skip
    return out


def _span(value: str) -> str:
    """A verbatim run of words as a code span (left as it is when it is one already)."""
    if value.startswith("`") and value.endswith("`"):
        return value
    fence = "``" if "`" in value else "`"
    pad = " " if "`" in value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _worded(text: str, table: tuple[tuple[str, str], ...], phrase: Callable[[str], str]) -> str:
    for pattern, chinese, phrases, spans in _compiled(table):
        m = pattern.fullmatch(text)
        if m is None:
            continue
        values = {}
        for name, value in m.groupdict().items():
            if name in phrases:
                value = phrase(value)
            elif name in spans:
                value = _span(value)
            elif name == "form":
                value = _FORMS_ZH.get(value, value)
            values[name] = value
        return chinese.format(**values)
    return text


def _phrase(text: str) -> str:
    """A phrase inside a message: a catalogued mirror's name or note, else a known phrase."""
    for mirror in catalogue().mirrors:
        if text == mirror.name_en:
            return mirror.name_zh
        if text == mirror.note_en and mirror.note_zh:
            return mirror.note_zh
    return _worded(text, PHRASES, _phrase)


_PAGE_NOTE = f" ({NOT_FIXED})"
_LOCK_NOTE = " (an unsafe fix: "
_PAGE_NOTE_ZH = "（未修复：Markdown 页面只在 `--include-docs` 时读取，从不修改）"


def message(text: str, lang: str) -> str:
    """A finding's message in ``lang`` (English as it is; unknown messages stay English).
    The note every finding in a Markdown page carries is worded apart from the message."""
    if lang != "zh":
        return text
    if text.endswith(_PAGE_NOTE):
        worded = message(text[: -len(_PAGE_NOTE)], lang)
        return worded + _PAGE_NOTE_ZH if worded != text[: -len(_PAGE_NOTE)] else text
    worded = _worded(text, ZH, _phrase)
    if worded == text and text.endswith(")") and _LOCK_NOTE in text:
        # the note any fix of a locked project file gets (pipsrc.engine.linting.RELOCK_NOTE)
        head, _, note = text.rpartition(_LOCK_NOTE)
        head_zh, note_zh = message(head, lang), _phrase(_LOCK_NOTE[2:] + note[:-1])
        if head_zh != head and note_zh != _LOCK_NOTE[2:] + note[:-1]:
            return f"{head_zh}（{note_zh}）"
    return worded if worded != text else _worded(text, NOT_CHECKED, _phrase)


def known(text: str) -> bool:
    """Whether a message is worded in Chinese in full (for the tests)."""
    return message(text, "zh") != text
