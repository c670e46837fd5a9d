"""GitHub Actions workflows: run: steps as shell, env scoping, what steps leave behind."""

from __future__ import annotations

from pipsrc.context import Context
from pipsrc.kinds import parse
from pipsrc.model import Document, InstallSite, Method, Setting
from pipsrc.policy import Policy
from pipsrc.resolution import effective_index
from tests.kinds.spans import assert_spans, one

A = "https://a.example/simple"
B = "https://b.example/simple"
C = "https://c.example/simple"
PATH = ".github/workflows/ci.yml"


def wf(steps: str, env: str = "", job_env: str = "") -> str:
    out = "on: push\n" + (f"env:\n{env}" if env else "")
    out += "jobs:\n  build:\n    runs-on: ubuntu-latest\n"
    out += f"    env:\n{job_env}" if job_env else ""
    return out + "    steps:\n" + steps


def doc_of(text: str) -> Document:
    doc = parse("github-actions", text, PATH)
    assert_spans(doc)
    return doc


def index_at(doc: Document, site: InstallSite) -> str | None:
    eff = effective_index(doc, site, Context(Policy(), {doc.path: doc}))
    return None if eff.setting is None else eff.setting.value


def test_step_env_over_job_env_over_workflow_env() -> None:
    text = wf(
        "      - run: pip install a\n"
        "      - env:\n          PIP_INDEX_URL: " + C + "\n        run: pip install b\n",
        env=f"  PIP_INDEX_URL: {A}\n",
        job_env=f"      PIP_INDEX_URL: {B}\n",
    )
    doc = doc_of(text)
    first, second = doc.sites
    assert index_at(doc, first) == B
    assert index_at(doc, second) == C
    assert {s.scope for s in doc.settings} == {"file", "job:build", "job:build/step:2"}
    assert all(s.method is Method.CI_ENV and s.editable for s in doc.settings)


def test_job_env_written_after_steps_still_wins_over_workflow_env() -> None:
    text = (
        f"on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: pip install a\n    env:\n      PIP_INDEX_URL: {B}\nenv:\n"
        f"  PIP_INDEX_URL: {A}\n"
    )
    doc = doc_of(text)
    assert index_at(doc, doc.sites[0]) == B


def test_github_env_reaches_later_steps_only() -> None:
    text = wf(
        "      - run: |\n          pip install a\n"
        f'          echo "PIP_INDEX_URL={A}" >> "$GITHUB_ENV"\n'
        "      - run: pip install b\n"
    )
    doc = doc_of(text)
    a, b = doc.sites
    assert index_at(doc, a) is None and index_at(doc, b) == A
    s = one(doc, key="PIP_INDEX_URL")
    assert s.scope == "job:build" and s.editable and text[s.span.start : s.span.end] == A


def test_pip_config_set_reaches_the_rest_of_its_job() -> None:
    text = wf(
        "      - run: pip install a\n"
        f"      - run: pip config set global.index-url {A} && pip install b\n"
        "      - run: pip install c\n"
    )
    doc = doc_of(text)
    a, b, c = doc.sites
    assert (index_at(doc, a), index_at(doc, b), index_at(doc, c)) == (None, A, A)
    assert one(doc, method=Method.PIP_CONFIG).scope == "job:build"


def test_exports_end_with_their_step() -> None:
    text = wf(f"      - run: export PIP_INDEX_URL={A}\n      - run: pip install b\n")
    doc = doc_of(text)
    assert index_at(doc, doc.sites[0]) is None
    assert one(doc, key="PIP_INDEX_URL").scope == "job:build/step:1"


def test_other_jobs_see_nothing_of_this_one() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: pip config set global.index-url {A}\n"
        "  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install x\n"
    )
    doc = doc_of(text)
    assert index_at(doc, doc.sites[0]) is None


def test_block_plain_and_quoted_scripts_are_located_exactly() -> None:
    text = wf(
        f"      - run: |\n          set -e\n          pip install -i {A} x\n"
        f"      - run: pip install -i {B} y\n"
        f"      - run: 'pip install -i {C} z'\n"
        f'      - run: "pip install -i {A} \\"w\\""\n'
    )
    doc = doc_of(text)
    flags = [s for s in doc.settings if s.key == "-i"]
    assert [s.value for s in flags] == [A, B, C, A]
    assert all(text[s.span.start : s.span.end] == s.value for s in flags)
    assert all(s.editable for s in flags)


def test_folded_script_is_read_as_one_line() -> None:
    text = wf(f"      - run: >\n          pip install\n          -i {A}\n          x\n")
    doc = doc_of(text)
    (s,) = doc.settings
    assert s.value == A and s.editable
    # removing the flag would leave an empty line, which folding reads as a line break
    assert s.removal is None
    text = wf(f"      - run: >\n          pip install\n          -i {A} x\n")
    (s,) = doc_of(text).settings
    assert s.removal is not None
    cut = text[: s.removal.start] + text[s.removal.end :]
    assert cut.endswith("pip install\n          x\n")


def test_expressions_are_unresolved() -> None:
    text = wf(
        "      - run: pip install -i ${{ vars.INDEX }} x\n",
        env="  PIP_EXTRA_INDEX_URL: ${{ secrets.X }}\n",
    )
    doc = doc_of(text)
    assert all(s.value is None and not s.editable for s in doc.settings)
    assert len(doc.settings) == 2 and not doc.problems


def test_crlf_workflow_keeps_exact_spans() -> None:
    text = wf(f"      - run: |\n          pip install -i {A} x\n          echo ok\n").replace(
        "\n", "\r\n"
    )
    doc = doc_of(text)
    (s,) = doc.settings
    assert s.editable and text[s.span.start : s.span.end] == A


def test_indentation_indicator_and_flow_items_are_found_but_not_edited() -> None:
    text = wf(f"      - run: |2\n            pip install -i {A} x\n")
    doc = doc_of(text)
    assert [s.value for s in doc.settings] == [A]
    flow = (
        'on: push\njobs:\n  b:\n    runs-on: x\n    steps: [{run: "pip install -i ' + A + ' y"}]\n'
    )
    doc = doc_of(flow)
    (s,) = doc.settings
    assert s.value == A and not s.editable and s.removal is None


def test_powershell_and_windows_steps_get_a_note() -> None:
    text = wf(f"      - shell: pwsh\n        run: pip install -i {A} x\n")
    doc = doc_of(text)
    assert not doc.settings and not doc.sites
    (p,) = doc.problems
    assert "pwsh" in p.message and not p.blocks_fix
    win = text.replace("ubuntu-latest", "windows-latest").replace(
        "      - shell: pwsh\n        run", "      - run"
    )
    assert "pwsh" in doc_of(win).problems[0].message
    bash = win.replace("steps:\n", "defaults:\n      run:\n        shell: bash\n    steps:\n")
    assert doc_of(bash).sites


def test_composite_action_steps() -> None:
    text = (
        "name: setup\nruns:\n  using: composite\n  steps:\n"
        f"    - shell: bash\n      run: pip config set global.index-url {A}\n"
        "    - shell: bash\n      run: pip install x\n"
    )
    doc = parse("github-actions", text, "action.yml")
    assert_spans(doc)
    assert index_at(doc, doc.sites[0]) == A


def test_setup_python_pip_install_input_is_an_install() -> None:
    text = wf(
        "      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'\n"
        "          pip-install: requests\n",
        env=f"  PIP_INDEX_URL: {A}\n",
    )
    doc = doc_of(text)
    (site,) = doc.sites
    assert site.command == "pip install" and index_at(doc, site) == A


def test_env_values_are_shell_variables_of_the_steps() -> None:
    text = wf("      - run: pip install -i $MIRROR x\n", job_env=f"      MIRROR: {A}\n")
    doc = doc_of(text)
    s: Setting = one(doc, key="-i")
    assert s.value == A and s.editable and text[s.span.start : s.span.end] == A
    assert s.use_span is not None and text[s.use_span.start : s.use_span.end] == "$MIRROR"
