"""doit's complaints about a command line, turned into one line naming the option and its owner."""

from __future__ import annotations

from specmesh_tasks.doit_errors import bad_option, one_line, option_names, unknown_name

GATES = option_names([{"name": "format", "long": "format"}, {"name": "output", "long": "output"},
                      {"name": "strict", "long": "strict"}])
TEST = option_names([{"name": "since", "long": "since"}, {"name": "shard", "long": "shard"},
                     {"name": "store_durations", "long": "store-durations"}])
RUN = option_names([{"name": "verbosity", "short": "v", "long": "verbosity"},
                    {"name": "num_process", "short": "n", "long": "process"}])
TASKS = {"gates": GATES, "test": TEST}


def doit_says(option: str, problem: str = "not recognized") -> str:
    return (f"Error parsing Task: option {option} {problem} (parsing options: [CmdOption({{'name':'format'}})])."
            " Got: ['x']")


def test_an_unknown_task_option_names_the_task_and_the_near_miss() -> None:
    message = bad_option(doit_says("--formt"), ["gates", "--formt", "json"], "run", RUN, TASKS)
    assert message == "unknown option --formt for gates; did you mean --format?"


def test_the_owner_is_the_task_the_option_follows() -> None:
    args = ["-v", "2", "gates", "--format", "json", "test", "--sinse", "HEAD"]
    assert bad_option(doit_says("--sinse"), args, "run", RUN, TASKS) == \
        "unknown option --sinse for test; did you mean --since?"
    sub = bad_option(doit_says("--x"), ["plan:S-LOAN-001", "--x"], "run", RUN, {"plan": ["--check"]})
    assert sub == "unknown option --x for plan:S-LOAN-001; see `specmesh help plan`"


def test_an_option_before_any_task_is_the_commands() -> None:
    assert bad_option(doit_says("--verbositi"), ["--verbositi", "2"], "run", RUN, TASKS) == \
        "unknown option --verbositi; did you mean --verbosity?"
    assert bad_option(doit_says("--foo"), ["--foo"], "list", ["--all"], TASKS) == \
        "unknown option --foo for list; see `specmesh help list`"


def test_missing_extra_and_ambiguous_values() -> None:
    assert bad_option(doit_says("--format", "requires argument"), ["gates", "--format"], "run", RUN, TASKS) == \
        "option --format for gates needs a value"
    assert bad_option(doit_says("--strict", "must not have an argument"), ["gates", "--strict=1"], "run", RUN,
                      TASKS) == "option --strict for gates takes no value"
    assert bad_option(doit_says("--s", "not a unique prefix"), ["test", "--s", "x"], "run", RUN, TASKS) == \
        "option --s for test is ambiguous: --shard, --since, --store-durations"


def test_other_messages_lose_the_option_dump_and_their_line_breaks() -> None:
    assert bad_option("Error parsing parameter 'x' (parsing options: [...])", [], "run", RUN, TASKS) == \
        "Error parsing parameter 'x'"
    assert one_line("`info` failed, must select *one* task.\nCheck `specmesh help info`.\n") == \
        "`info` failed, must select *one* task. Check `specmesh help info`."


def test_an_unknown_task_gets_a_near_miss_only() -> None:
    known = ["gates", "plan", "plan:S-LOAN-001", "list"]
    assert unknown_name("gatse", known) == "unknown task or command 'gatse'; did you mean 'gates'?"
    assert unknown_name("plan:S-LOAN-01", known).endswith("did you mean 'plan:S-LOAN-001'?")
    assert unknown_name("deploy", known) == "unknown task or command 'deploy'"
