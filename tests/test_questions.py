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
from support.template import CHOICES, DEFAULTS, OPTIONS, QUESTIONS, pre_gen, validate


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
    for key, default in DEFAULTS.items():
        if "{{" not in default:
            assert VALID[key] == default, key


def test_a_choice_question_is_a_menu_with_a_question_and_a_label_for_each_choice():
    """cookiecutter's choice prompt: ``{"__prompt__": question, choice: label, ...}``."""
    assert set(CHOICES) == {"license", "python_version", "ci_provider", "example"}
    for key, choices in CHOICES.items():
        prompt = OPTIONS["__prompts__"][key]
        assert list(prompt) == ["__prompt__", *choices], key
        assert all(isinstance(label, str) and label.strip() for label in prompt.values()), key
