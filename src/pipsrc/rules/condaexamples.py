"""Examples of the pip rules in conda's files: the ``pip:`` list of an environment file (a
requirements file conda hands to pip), and for the rules that read any setting or file
(PS301, PS900, PS901) a .condarc. They extend each rule's own examples
(:func:`pipsrc.rules.extend_examples`), so they are run, checked against the rule's
declared kinds and shown on its page like the others; they live apart so that the rule
modules stay about pip. Each bad example's ``fixed`` text was computed with
:func:`pipsrc.api.fix_text` and read: the same edit as in a requirements file, inside the
list item (a trusted-host becomes an item of its own).
"""

from __future__ import annotations

from pipsrc.rules.base import Example

_HEAD = "channels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - pip\n  - pip:\n"


def pip(*items: str) -> str:
    """An environment file whose ``pip:`` list holds ``items`` (``#...``: a comment line)."""
    lines = (f"      {i}" if i.startswith("#") else f"      - {i}" for i in items)
    return _HEAD + "".join(f"{line}\n" for line in lines)


_SECRET = "https://deploy:SENTINEL0123456789abcdef@conda.corp.example/ml"

# rule code -> (good examples, bad examples)
EXAMPLES: dict[str, tuple[tuple[Example, ...], tuple[Example, ...]]] = {
    "PS101": (
        (
            Example(
                "environment.yml", pip("-i https://mirrors.aliyun.com/pypi/simple/", "requests")
            ),
        ),
        (
            Example(
                "environment.yml",
                pip("-i https://pypi.tuna.tsinghua.edu.cn/simple  # tuna", "requests"),
                fixed=pip("-i https://mirrors.aliyun.com/pypi/simple  # tuna", "requests"),
            ),
        ),
    ),
    "PS102": (
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "--extra-index-url https://pkgs.corp.example/simple/",
                    "corp-utils",
                ),
                policy='extra-indexes = ["https://pkgs.corp.example/simple/"]\n',
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "--extra-index-url https://pkgs.corp.example/simple/",
                    "x",
                ),
            ),
        ),
    ),
    "PS103": (
        (
            Example(
                "environment.yml",
                pip("-i https://mirrors.aliyun.com/pypi/simple/", "flask"),
                mirror=None,
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "--extra-index-url https://mirrors.aliyun.com/pypi/simple/",
                    "flask",
                ),
                fixed=pip("-i https://mirrors.aliyun.com/pypi/simple/", "flask"),
                mirror=None,
            ),
        ),
    ),
    "PS105": (
        (
            Example(
                "environment.yml",
                pip("-i https://mirrors.aliyun.com/pypi/simple/", "flask"),
                mirror=None,
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "flask",
                    "# from the data team's list",
                    "-i https://pypi.tuna.tsinghua.edu.cn/simple",
                    "pandas",
                ),
                mirror=None,
            ),
        ),
    ),
    "PS106": (
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "--extra-index-url https://download.pytorch.org/whl/cu121",
                    "torch",
                ),
                policy='extra-indexes = ["https://download.pytorch.org/whl/*"]\n',
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "--extra-index-url https://download.pytorch.org/whl/cu121",
                    "torch",
                ),
            ),
        ),
    ),
    "PS107": (
        (
            Example(
                "environment.yml",
                pip("-i https://mirrors.ustc.edu.cn/pypi/simple", "x"),
                mirror=None,
            ),
        ),
        (
            Example(
                "environment.yml",
                pip("-i https://pypi.mirrors.ustc.edu.cn/simple/", "x"),
                fixed=pip("-i https://mirrors.ustc.edu.cn/pypi/simple/", "x"),
                mirror=None,
            ),
        ),
    ),
    "PS201": (
        (
            Example(
                "environment.yml",
                pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host devpi.internal:3141",
                    "x",
                ),
                mirror=None,
                proxy="http://devpi.internal:3141/root/pypi/+simple/",
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i http://mirrors.aliyun.com/pypi/simple/",
                    "--trusted-host mirrors.aliyun.com",
                    "x",
                ),
                fixed=pip("-i https://mirrors.aliyun.com/pypi/simple/", "x"),
                unsafe=True,
                mirror=None,
            ),
        ),
    ),
    "PS202": (
        (
            Example(
                "environment.yml",
                pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host devpi.internal:3141",
                    "x",
                ),
                mirror=None,
                proxy="http://devpi.internal:3141/root/pypi/+simple/",
            ),
        ),
        (
            Example(
                "environment.yml",
                pip("-i http://devpi.internal:3141/root/pypi/+simple/", "x"),
                fixed=pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host devpi.internal:3141",
                    "x",
                ),
                mirror=None,
                proxy="http://devpi.internal:3141/root/pypi/+simple/",
            ),
        ),
    ),
    "PS203": (
        (
            Example(
                "environment.yml",
                pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host devpi.internal:3141",
                    "x",
                ),
                mirror=None,
                proxy="http://devpi.internal:3141/root/pypi/+simple/",
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "--trusted-host pypi.tuna.tsinghua.edu.cn",
                    "x",
                ),
                fixed=pip("-i https://mirrors.aliyun.com/pypi/simple/", "x"),
            ),
        ),
    ),
    "PS204": (
        (
            Example(
                "environment.yml",
                pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host devpi.internal:3141",
                    "x",
                ),
                mirror=None,
                proxy="http://devpi.internal:3141/root/pypi/+simple/",
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "--trusted-host mirrors.aliyun.com",
                    "x",
                ),
                fixed=pip("-i https://mirrors.aliyun.com/pypi/simple/", "x"),
                unsafe=True,
            ),
        ),
    ),
    "PS205": (
        (
            Example(
                "environment.yml",
                pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host devpi.internal:3141",
                    "x",
                ),
                mirror=None,
                proxy="http://devpi.internal:3141/root/pypi/+simple/",
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host http://devpi.internal:3141/root/",
                    "x",
                ),
                fixed=pip(
                    "-i http://devpi.internal:3141/root/pypi/+simple/",
                    "--trusted-host devpi.internal:3141",
                    "x",
                ),
                mirror=None,
                proxy="http://devpi.internal:3141/root/pypi/+simple/",
            ),
        ),
    ),
    "PS301": (
        (
            Example(
                "environment.yml",
                pip("-i https://${PIP_USER}:${PIP_PASSWORD}@pypi.corp.example/simple", "x"),
                mirror=None,
            ),
        ),
        (
            Example(
                "environment.yml",
                pip("-i https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple", "x"),
                mirror=None,
            ),
        ),
    ),
    "PS401": (
        (
            Example(
                "environment.yml",
                pip("--index-url https://mirrors.aliyun.com/pypi/simple/", "requests==2.32.3"),
            ),
        ),
        (
            Example(
                "environment.yml",
                pip("requests==2.32.3 --index-url https://mirrors.aliyun.com/pypi/simple/"),
            ),
        ),
    ),
    "PS900": (
        (
            Example(
                "environment.yml",
                pip(
                    "--index-url=https://mirrors.aliyun.com/pypi/simple/",
                    "--trusted-host mirrors.aliyun.com",
                    "flask",
                ),
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "--index-url=https://mirrors.aliyun.com/pypi/simple/",
                    "--trusted-hosts mirrors.aliyun.com",
                    "flask",
                ),
            ),
        ),
    ),
    "PS901": (
        (
            Example(
                "environment.yml",
                pip(
                    "# pipsrc: ignore[PS101] the CI image uses TUNA on purpose",
                    "-i https://pypi.tuna.tsinghua.edu.cn/simple",
                    "x",
                ),
            ),
        ),
        (
            Example(
                "environment.yml",
                pip(
                    "# pipsrc: ignore[PS101] old exception",
                    "-i https://mirrors.aliyun.com/pypi/simple/",
                    "x",
                ),
                fixed=pip("-i https://mirrors.aliyun.com/pypi/simple/", "x"),
            ),
        ),
    ),
}
# the rules that read every file kind: a .condarc too
CONDARC: dict[str, tuple[tuple[Example, ...], tuple[Example, ...]]] = {
    "PS301": (
        (Example(".condarc", "channels:\n  - https://conda.corp.example/ml\n", mirror=None),),
        (Example(".condarc", f"channels:\n  - {_SECRET}\n", mirror=None),),
    ),
    "PS900": (
        (Example(".condarc", "channels:\n  - conda-forge\n", mirror=None),),
        (
            Example(
                ".condarc", "channels:\n  - conda-forge\nchannels:\n  - defaults\n", mirror=None
            ),
        ),
    ),
    "PS901": (
        (
            Example(
                ".condarc",
                "channels:\n  # pipsrc: ignore[PS602] licensed Anaconda seats\n  - defaults\n",
                mirror=None,
            ),
        ),
        (
            Example(
                ".condarc",
                "channels:\n  # pipsrc: ignore[PS602] licensed Anaconda seats\n  - conda-forge\n",
                fixed="channels:\n  - conda-forge\n",
                mirror=None,
            ),
        ),
    ),
}
