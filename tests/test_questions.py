"""Every question of cookiecutter.json has all its parts, and nothing has parts of a question
that is gone.

Adding a question touches several files (docs/maintaining.md lists them); this is the test that
says which one was missed: a prompt in ``__prompts__``, a rule in the pre-gen hook's CHECKS, a
valid example in tests/support/answers.py and a row in docs/options.md (whose order and
defaults tests/test_docs.py checks).
"""

from __future__ import annotations

from support.answers import VALID
from support.docs import documented_options
from support.template import CHOICES, OPTIONS, QUESTIONS, pre_gen, validate


def parts() -> dict[str, set[str]]:
    """Each place a question must appear in, and the names found there."""
    return {
        "a prompt in cookiecutter.json's __prompts__": set(OPTIONS["__prompts__"]),
        "a rule in hooks/pre_gen_project.py's CHECKS": set(pre_gen().CHECKS),
        "a valid answer in tests/support/answers.py's VALID": set(VALID),
        "a row in docs/options.md": set(documented_options()),
    }


def test_every_question_has_a_prompt_a_rule_a_valid_answer_and_a_docs_row():
    missing = [
        f"{question}: no {part}"
        for question in QUESTIONS
        for part, names in parts().items()
        if question not in names
    ]
    assert missing == []


def test_nothing_names_a_question_cookiecutter_json_does_not_ask():
    stale = [
        f"{part} names {name!r}"
        for part, names in parts().items()
        for name in sorted(names - set(QUESTIONS))
    ]
    assert stale == []


def test_the_hook_checks_the_questions_in_their_order():
    """Refusals come in the order of the questions, as a user answered them."""
    assert list(pre_gen().CHECKS) == QUESTIONS


def test_the_valid_answers_pass_the_hook_and_are_the_defaults():
    assert validate(VALID) == []
    literal = {key: value for key, value in OPTIONS.items() if key in QUESTIONS}
    for key, default in literal.items():
        if "{{" not in default:
            assert VALID[key] == default, key


def test_a_choice_questions_default_is_its_first_choice_and_its_prompt_names_them_all():
    for key, choices in CHOICES.items():
        assert key in QUESTIONS and OPTIONS[key] == choices[0], key
        listed = ", ".join(choices[:-1]) + " or " + choices[-1]
        assert listed in OPTIONS["__prompts__"][key], key
