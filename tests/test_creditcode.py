import pytest

from parkplan import creditcode

VALID = ["91350100M000100Y43", creditcode.make_code("91310113MA1GL0000"), creditcode.make_code("12100000400000000")]


@pytest.mark.parametrize("code", VALID + [creditcode.make_code(f"91310113{n:09d}") for n in range(0, 300, 7)])
def test_it_accepts_valid_codes(code):
    assert creditcode.problem(code) is None
    assert creditcode.is_valid(code)


def test_it_rejects_a_wrong_check_character():
    for wrong in set(creditcode.ALPHABET) - {"3"}:
        code = "91350100M000100Y4" + wrong
        assert creditcode.problem(code) == "校验位错误（应为3）"


@pytest.mark.parametrize(("code", "length"), [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("", 0)])
def test_it_rejects_the_wrong_length(code, length):
    assert creditcode.problem(code) == f"应为18位，实为{length}位"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_it_rejects_letters_the_standard_leaves_out(letter):
    code = "91350100M000100Y4" + letter
    assert creditcode.problem(code) == f"含有不允许的字符：{letter}"
    assert creditcode.problem(letter + "1350100M000100Y43") == f"含有不允许的字符：{letter}"


@pytest.mark.parametrize(
    "raw",
    [
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        " 9135 0100 M000 100Y43 ",
        "91350100M000100Y43\u3000",
    ],
)
def test_it_normalizes_case_full_width_and_spaces(raw):
    assert creditcode.normalize(raw) == "91350100M000100Y43"
    assert creditcode.is_valid(raw)
