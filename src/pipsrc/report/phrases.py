"""The Chinese wording of the phrases inside finding messages (a note, a reason, the class
of an index) and of why a file was not checked: the second half of the templates
:mod:`pipsrc.report.messages` reads messages back with (the same template syntax)."""

from __future__ import annotations

# phrases inside messages: notes, reasons, the class of an index (pipsrc.origin)
PHRASES: tuple[tuple[str, str], ...] = (
    (
        "left as it is: {~why}; packages published only there would be lost (allow it with "
        "`exceptions` or `extra-indexes` in the policy, or change it by hand)",
        "保持原样：{why}；只在该源发布的包会丢失"
        "（可在策略的 `exceptions` 或 `extra-indexes` 中允许它，或手动修改）",
    ),
    (
        "left as it is: it is attempt {k} of the install fallback on line {line}, see PS109",
        "保持原样：这是第 {line} 行安装回退链的第 {k} 次尝试，见 PS109",
    ),
    (
        "left as it is: configuring the policy index would make a `|| pip install` fallback to "
        "PyPI try the policy index again; name the fallback's index with `fallback-indexes`",
        "保持原样：配置策略镜像源会让回退到 PyPI 的 `|| pip install` 再次尝试策略镜像源；请用 "
        "`fallback-indexes` 写明回退使用的源",
    ),
    (
        "an unsafe fix: uv checks uv.lock against the index it is given, so `uv sync` would lock "
        "again at build time and `--locked` would fail; lock with the policy index first",
        "不安全的修复：uv 会用给定的源检查 `uv.lock`，因此 `uv sync` 会在构建时重新锁定，"
        "`--locked` 会失败；请先用策略镜像源重新锁定",
    ),
    (
        "an unsafe fix: {lock} records this file's indexes, so `--locked` installs fail until "
        "`{command*}` is run again",
        "不安全的修复：`{lock}` 记录了此文件的源，在重新运行 {command} 之前，`--locked` 安装会失败",
    ),
    (
        "another uv install of this scope takes its index from a requirements file, which any "
        "uv variable would override",
        "此作用域中另一条 uv 安装命令从 requirements 文件取得源，任何 uv 环境变量都会覆盖它",
    ),
    ("no mirror index for it: change it by hand", "代理上没有它的镜像索引：请手动修改"),
    ("left as it is: {~why}", "保持原样：{why}"),
    ("no fix: {~why}", "不自动修复：{why}"),
    (
        "fix unsafe: the other branch of its `if` sets {url}; moving both makes the switch do "
        "nothing",
        "修复不安全：其 `if` 的另一分支设置了 {url}；两者都改会使该切换失去作用",
    ),
    ("{host} is a private network address", "`{host}` 是私有网络地址"),
    (
        "{host} is a single-label host name: an intranet address",
        "`{host}` 是单标签主机名，即内网地址",
    ),
    (
        "{host} is an intranet or reserved host name, not a public one",
        "`{host}` 是内网或保留主机名，不是公网地址",
    ),
    ("it needs credentials: a private index", "它需要凭据，是私有源"),
    ("it is {what*}: an internal proxy", "它是 {what}，即内部代理"),
    (
        "it is {~name}'s cloud-internal address: a build machine inside that network may reach "
        "no other index",
        "它是{name}的云内网地址：该网络内的构建机可能无法访问其他源",
    ),
    ("it is the {~name} index ({reason*})", "它是{name}的源（{reason}）"),
    ("it looks like a vendor's wheel index", "它看起来是厂商的 wheel 源"),
    (
        "it looks like a public PyPI mirror the catalogue lacks",
        "它看起来是目录中没有收录的公共 PyPI 镜像",
    ),
    ("it is not a catalogued public mirror", "它不是目录中收录的公共镜像"),
    ("it is {~name}", "它是{name}"),
    ("{url} is not an http(s) URL", "{url} 不是 http(s) 地址"),
    (
        "removing it would leave one-command RUN instructions in a row, which hadolint asks to "
        "consolidate (DL3059): edit them together by hand",
        "删除它会留下连续的单命令 `RUN` 指令，hadolint 要求合并它们（DL3059）：请一起手动修改",
    ),
    (
        "keeping one attempt would leave one-command RUN instructions in a row, which hadolint "
        "asks to consolidate (DL3059): edit them together by hand",
        "只保留一次尝试会留下连续的单命令 `RUN` 指令，hadolint 要求合并它们（DL3059）："
        "请一起手动修改",
    ),
    ("it is the only command of its block", "它是所在代码块中唯一的命令"),
    (
        "it is the only entry of a mapping that would be left empty",
        "它是映射中唯一的条目，删除后映射会变空",
    ),
    ("a later `pip config unset` of this key needs it", "后面对该键的 `pip config unset` 需要它"),
    (
        'user "{user}" with a password in the default of a variable',
        "变量默认值中的用户 `{user}` 及其密码",
    ),
    ('user "{user}" with a password', "用户 `{user}` 及其密码"),
    ("missing fi", "缺少 `fi`"),
    ("syntax error", "语法错误"),
    ("pip ignores index options on a requirement line", "pip 会忽略写在依赖行上的索引选项"),
    ("-i=URL passes '=URL' to pip", "`-i=URL` 会把 `=URL` 传给 pip"),
    (
        "PIP_INDEX is not read by pip (did you mean PIP_INDEX_URL?)",
        "pip 不读取 `PIP_INDEX`（是否想写 `PIP_INDEX_URL`？）",
    ),
    ("inline comment becomes part of the value", "行内注释会成为值的一部分"),
    (
        "an empty {name} is ignored: it does not clear configured values",
        "空的 `{name}` 会被忽略：它不会清除已配置的值",
    ),
    (
        "ARG {name} before the first FROM is not visible to RUN unless redeclared in the stage",
        "第一个 `FROM` 之前的 `ARG {name}` 在 `RUN` 中不可见，除非在该阶段重新声明",
    ),
    (
        "section names are case-sensitive: pip ignores {section}",
        "节名区分大小写：pip 会忽略 `{section}`",
    ),
    ("too deeply nested: not read", "嵌套过深：未读取"),
)

# why a file was not checked or not written (the report's "files not checked"), and the
# PS900 messages of a file that could not be decoded
NOT_CHECKED: tuple[tuple[str, str], ...] = (
    (
        "not a file kind pipsrc reads (Dockerfiles, scripts, requirements, pip.conf, compose, "
        "project, lock, conda and CI files): skipped",
        "不是 pipsrc 读取的文件类型（Dockerfile、脚本、requirements、pip.conf、compose、项目文件、"
        "锁文件、conda 与 CI 文件）：已跳过",
    ),
    ("cannot resolve: {detail*}", "无法解析路径：{detail}"),
    ("cannot write: {detail*}", "无法写入：{detail}"),
    ("symlink points outside the repository: skipped", "符号链接指向仓库之外：已跳过"),
    ("symlink points outside the given paths: skipped", "符号链接指向给定路径之外：已跳过"),
    ("no such file or directory", "文件或目录不存在"),
    (
        "fixes did not converge after {n} passes; changes kept up to the last one",
        "修复在 {n} 轮后仍未收敛：保留到最后一轮的修改",
    ),
    ("too deeply nested to parse", "嵌套过深，无法解析"),
    (
        "internal error while parsing ({name}); file not checked",
        "解析时出现内部错误（{name}）：未检查该文件",
    ),
    ("invalid {encoding} text", "不是有效的 {encoding} 文本"),
    ("binary file (NUL byte)", "二进制文件（含 NUL 字节）"),
    ("neither UTF-8 nor GB18030 text: not read", "既不是 UTF-8 也不是 GB18030 文本：未读取"),
    (
        "not a regular file (FIFO, socket or device): skipped, never opened",
        "不是普通文件（FIFO、套接字或设备）：已跳过，从未打开",
    ),
    ("file is larger than {n} KiB: skipped", "文件大于 {n} KiB：已跳过"),
    (
        "has {n} hard links; not written (a rewrite would split them)",
        "该文件有 {n} 个硬链接：未写入（重写会使它们分离）",
    ),
)
