"""GitLab CI, Jenkinsfile, Travis/Azure/CircleCI, Makefile, .env and compose commands:
settings located exactly, scopes as each tool runs them."""

from __future__ import annotations

from pipsrc.context import Context
from pipsrc.kinds import parse
from pipsrc.model import Document, InstallSite, Method
from pipsrc.policy import Policy
from pipsrc.resolution import effective_index
from tests.kinds.spans import assert_spans, one

A = "https://a.example/simple"
B = "https://b.example/simple"


def doc_of(kind: str, text: str, path: str, markers: str = "#") -> Document:
    doc = parse(kind, text, path)
    assert_spans(doc, markers=markers)
    return doc


def index_at(doc: Document, site: InstallSite) -> str | None:
    eff = effective_index(doc, site, Context(Policy(), {doc.path: doc}))
    return None if eff.setting is None else eff.setting.value


def exact(doc: Document) -> bool:
    return all(doc.text[s.span.start : s.span.end] == s.value for s in doc.settings if s.editable)


# --- GitLab CI ---------------------------------------------------------------------------


def test_gitlab_variables_scripts_and_extends() -> None:
    text = (
        f"variables:\n  PIP_INDEX_URL: {A}\n"
        f".base:\n  variables:\n    MIRROR: {B}\n"
        "test:\n  extends: .base\n  before_script:\n    - export PIP_INDEX_URL=$MIRROR\n"
        "  script:\n    - pip install -r requirements.txt\n"
        "  after_script:\n    - pip install x\n"
        "other:\n  script:\n    - pip install y\n"
    )
    doc = doc_of("gitlab-ci", text, ".gitlab-ci.yml")
    test, after, other = doc.sites
    assert index_at(doc, test) == B  # the export in before_script reaches script
    assert index_at(doc, after) == A  # after_script is a shell of its own
    assert index_at(doc, other) == A
    assert doc.scope("job:test") is not None and doc.scope("job:test").parent == "job:.base"
    assert exact(doc)


def test_gitlab_expanded_variables_and_include() -> None:
    text = (
        "include:\n  - local: /ci/jobs.yml\n  - project: g/p\n    file: x.yml\n"
        f'variables:\n  PIP_INDEX_URL:\n    value: "{A}"\n    description: mirror\n'
        "job:\n  script: pip install x\n"
    )
    doc = doc_of("gitlab-ci", text, ".gitlab-ci.yml")
    assert doc.includes == ["ci/jobs.yml"]
    s = one(doc, key="PIP_INDEX_URL")
    assert s.value == A and s.editable and s.removal is None
    assert index_at(doc, doc.sites[0]) == A


def test_gitlab_anchor_line_read_once() -> None:
    text = (
        f".setup: &setup\n  - pip install -i {A} x\n"
        "a:\n  script:\n    - *setup\nb:\n  script:\n    - *setup\n"
    )
    doc = doc_of("gitlab-ci", text, ".gitlab-ci.yml")
    assert len([s for s in doc.settings if s.key == "-i"]) == 1


# --- Jenkinsfile -------------------------------------------------------------------------


def test_jenkins_declarative_environment_and_stages() -> None:
    text = (
        "pipeline {\n  agent any\n  environment {\n"
        f"    PIP_INDEX_URL = '{A}'\n    TOKEN = credentials('t')\n  }}\n"
        "  stages {\n    stage('a') {\n      environment {\n"
        f'        PIP_INDEX_URL = "{B}"\n      }}\n'
        "      steps {\n        sh 'pip install x'\n      }\n    }\n"
        "    stage('b') {\n      steps {\n        sh '''\n          export PIP_INDEX_URL=x\n"
        "        '''\n        sh(script: \"pip install y\", returnStdout: true)\n"
        "      }\n    }\n  }\n}\n"
    )
    doc = doc_of("jenkinsfile", text, "Jenkinsfile", markers="/")
    a, b = doc.sites
    assert index_at(doc, a) == B
    assert index_at(doc, b) == A  # the export ended with its sh step
    assert all(s.method is Method.CI_ENV for s in doc.settings if s.value in (A, B))
    assert exact(doc)


def test_jenkins_with_env_and_gstrings() -> None:
    text = (
        "// scripted\nnode {\n"
        f"  withEnv(['PIP_INDEX_URL={A}']) {{\n"
        '    sh "pip install -i ${env.MIRROR} x"\n'
        f'    sh "pip install --extra-index-url {B} \\$HOME/y"\n'
        "  }\n  sh 'pip install z'\n}\n"
    )
    doc = doc_of("jenkinsfile", text, "Jenkinsfile", markers="/")
    with_env, extra, outside = doc.sites
    assert index_at(doc, with_env) is None  # the command line's unresolved -i wins
    assert index_at(doc, extra) == A and index_at(doc, outside) is None
    flag = one(doc, key="--extra-index-url")
    assert flag.editable and text[flag.span.start : flag.span.end] == B
    assert one(doc, key="-i").value is None
    assert doc.comments and doc.comments[0].text.startswith("/ scripted")


# --- Travis, Azure, CircleCI --------------------------------------------------------------


def test_travis_env_lines_and_phases() -> None:
    text = f'env:\n  global:\n    - PIP_INDEX_URL={A} OTHER="a b"\ninstall:\n  - pip install x\n'
    doc = doc_of("ci-yaml", text, ".travis.yml")
    assert index_at(doc, doc.sites[0]) == A
    assert exact(doc)


def test_azure_variables_steps_and_macros() -> None:
    text = (
        f"variables:\n  - name: PIP_INDEX_URL\n    value: {A}\n"
        "jobs:\n  - job: build\n    steps:\n      - script: pip install -i $(MIRROR) x\n"
        f"      - bash: pip install y\n        env:\n          PIP_INDEX_URL: {B}\n"
        "      - powershell: pip install z\n"
    )
    doc = doc_of("ci-yaml", text, "azure-pipelines.yml")
    _macro, step_env = doc.sites
    assert one(doc, key="-i").value is None
    assert index_at(doc, step_env) == B
    assert exact(doc)


def test_circleci_job_and_run_environment() -> None:
    text = (
        "version: 2.1\njobs:\n  build:\n    docker:\n      - image: x\n"
        f"    environment:\n      PIP_INDEX_URL: {A}\n    steps:\n      - checkout\n"
        "      - run: pip install -i << parameters.idx >> x\n"
        f"      - run:\n          command: pip install y\n          environment:\n"
        f"            PIP_INDEX_URL: {B}\n"
    )
    doc = doc_of("ci-yaml", text, ".circleci/config.yml")
    _param, step = doc.sites
    assert one(doc, key="-i").value is None
    assert index_at(doc, step) == B
    assert exact(doc)


# --- Makefile ------------------------------------------------------------------------------


def test_makefile_exports_recipes_and_variables() -> None:
    text = (
        f"MIRROR ?= {A}\nexport PIP_EXTRA_INDEX_URL = {B}  # corp\nPIP := python -m pip\n"
        "install:\n\t@$(PIP) install -i $(MIRROR) x\n\texport PIP_INDEX_URL=$(MIRROR); \\\n"
        "\t  pip install y\n\tpip install z\n"
    )
    doc = doc_of("makefile", text, "Makefile")
    first, second, third = doc.sites
    assert first.command == "python -m pip install"
    flag = one(doc, key="-i")
    assert flag.editable and text[flag.span.start : flag.span.end] == A  # at MIRROR's definition
    assert index_at(doc, second) == A and index_at(doc, third) is None  # one shell a line
    extra = one(doc, key="PIP_EXTRA_INDEX_URL")
    assert extra.scope == "file" and extra.removal is not None
    assert text[extra.removal.start : extra.removal.end].startswith("export PIP_EXTRA")
    assert any(c.text == " corp" for c in doc.comments)


def test_makefile_oneshell_and_unexported_variables() -> None:
    text = (
        f"PIP_INDEX_URL = {A}\n.ONESHELL:\ninstall:\n\texport PIP_EXTRA_INDEX_URL={B}\n"
        "\tpip install x\n"
    )
    doc = doc_of("makefile", text, "Makefile")
    assert [s.key for s in doc.settings] == ["PIP_EXTRA_INDEX_URL"]  # PIP_INDEX_URL: not exported
    (site,) = doc.sites
    assert index_at(doc, site) is None
    eff = effective_index(doc, site, Context(Policy(), {doc.path: doc}))
    assert [x.value for x in eff.extras] == [B]


# --- .env ---------------------------------------------------------------------------------


def test_dotenv_lines() -> None:
    text = (
        f"# mirror\nPIP_INDEX_URL={A}  # inline\nexport PIP_EXTRA_INDEX_URL='{A} {B}'\n"
        f'UV_DEFAULT_INDEX="{B}"\nPIP_TRUSTED_HOST=${{HOST}}\n'
    )
    doc = doc_of("dotenv", text, ".env")
    assert [s.value for s in doc.settings] == [A, A, B, B, None]
    assert all(s.method is Method.DOTENV for s in doc.settings)
    assert exact(doc) and len(doc.comments) == 2
    bad = doc_of("dotenv", "PIP_INDEX_URL https://x\n", ".env")
    assert bad.problems and bad.problems[0].blocks_fix


# --- compose commands ---------------------------------------------------------------------


def test_compose_shell_commands_and_env_file() -> None:
    text = (
        "services:\n  app:\n    image: python\n"
        f"    command: sh -c 'pip install -i {A} x && python app.py'\n"
        f"    environment:\n      PIP_EXTRA_INDEX_URL: {B}\n"
        "  worker:\n    env_file: [conf/w.env]\n"
        '    entrypoint: ["bash", "-c", "pip install y"]\n'
        "  plain:\n    command: python -m http.server\n"
    )
    doc = doc_of("compose", text, "docker-compose.yml")
    app, worker = doc.sites
    assert index_at(doc, app) == A
    eff = effective_index(doc, app, Context(Policy(), {doc.path: doc}))
    assert [x.value for x in eff.extras] == [B]  # the service's environment, written after
    assert not effective_index(doc, worker, Context(Policy(), {doc.path: doc})).implicit_pypi
    assert doc.includes == ["conf/w.env"]
    assert exact(doc)


def test_gitlab_repeated_keys_are_read_as_gitlab_does() -> None:
    """GitLab keeps the last of a repeated key (a note, not a parse error); `pages` is a job."""
    text = (
        f"variables:\n  PIP_INDEX_URL: {A}\ninclude: a.yml\ninclude: b.yml\n"
        f"variables:\n  PIP_INDEX_URL: {B}\npages:\n  script:\n    - pip install x\n"
    )
    doc = doc_of("gitlab-ci", text, ".gitlab-ci.yml")
    assert len(doc.problems) == 2  # include, variables
    assert all(not p.blocks_fix and "last" in p.message for p in doc.problems)
    assert doc.includes == ["b.yml"]
    assert index_at(doc, doc.sites[0]) == B


def test_a_make_function_with_a_variable_inside_is_one_reference() -> None:
    """``$(shell cat $D/p)`` is one call make expands before the shell runs: its inner
    ``$D`` is not read again after it (that made a shell syntax error, PS900, of a recipe
    bash accepts)."""
    text = "index:\n\tkill $(shell cat $D/p) && pip install -i https://a.example/simple x\n"
    doc = doc_of("makefile", text, "Makefile")
    assert not doc.problems
    assert [s.value for s in doc.settings] == ["https://a.example/simple"]
