"""A pytest plugin that records which tests execute each line of one module (``sys.monitoring``, Python >= 3.12).

    LINEMAP_TARGET=bayesreg/optimize/map.py LINEMAP_OUT=linemap.json python -m pytest -p linemap tests/optimize/test_map.py ...

Writes ``{"import": [...], "setup": [...], "call": {line: [node ids]}, "order": [node ids]}``: the lines run while
modules were imported and tests collected, the lines run in any teardown (where shared fixtures are finalized), and
for every other line the tests that ran it in their body or in their fixtures (a module- or session-scoped fixture's
lines belong to every test that uses it: run alone, such a test sets the fixture up again). ``forkclient.py`` uses
it to run, for a mutant of line L, only the tests whose body runs L: a test that never executes L cannot see the
mutation. Lines of the first two kinds, and lines no test runs, fall back to the whole test file.
"""

import json
import os
import sys

import pytest

_TOOL = sys.monitoring.COVERAGE_ID
_TARGET = os.path.abspath(os.environ["LINEMAP_TARGET"])
_OUT = os.environ["LINEMAP_OUT"]
_state = {"phase": "import", "test": None}
_hits = {"import": set(), "setup": set(), "call": {}}
_fixture_hits = {}  # module- or session-scoped fixture name -> lines its setup ran
_fixtures_of = {}  # node id -> every fixture the test uses (directly or through other fixtures)
_order = []


def _line(code, line):
    if code.co_filename == _TARGET:
        if _state["phase"] == "call":
            _hits["call"].setdefault(line, set()).add(_state["test"])
        elif _state["phase"] == "fixture":
            _fixture_hits.setdefault(_state["test"], set()).add(line)
        else:
            _hits[_state["phase"]].add(line)
    return sys.monitoring.DISABLE


sys.monitoring.use_tool_id(_TOOL, "bayesreg-linemap")
sys.monitoring.register_callback(_TOOL, sys.monitoring.events.LINE, _line)
sys.monitoring.set_events(_TOOL, sys.monitoring.events.LINE)


def _enter(phase, test=None):
    _state["phase"], _state["test"] = phase, test
    sys.monitoring.restart_events()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # function-scoped fixtures run again for every test: their lines belong to the test
    _order.append(item.nodeid)
    _fixtures_of[item.nodeid] = set(item.fixturenames)
    _enter("call", item.nodeid)
    try:
        return (yield)
    finally:
        _enter("setup")


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    # a module- or session-scoped fixture runs once and its value is shared: its lines belong to every test
    # that uses it (run alone, such a test sets the fixture up again)
    if fixturedef.scope == "function":
        return (yield)
    saved = dict(_state)
    _enter("fixture", fixturedef.argname)
    try:
        return (yield)
    finally:
        _enter(saved["phase"], saved["test"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    _enter("call", item.nodeid)
    try:
        return (yield)
    finally:
        _enter("setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    _enter("setup")
    return (yield)


def pytest_sessionfinish(session, exitstatus):
    sys.monitoring.set_events(_TOOL, 0)
    for fixture, lines in _fixture_hits.items():
        users = {nodeid for nodeid, names in _fixtures_of.items() if fixture in names}
        for line in lines:
            _hits["call"].setdefault(line, set()).update(users)
    with open(_OUT, "w") as f:
        json.dump(
            {
                "import": sorted(_hits["import"]),
                "setup": sorted(_hits["setup"]),
                "call": {str(line): sorted(tests) for line, tests in sorted(_hits["call"].items())},
                "order": _order,
            },
            f,
        )
