"""A curriculum file of thousands of tiny documents is refused in milliseconds, and a result keeps a bounded
number of errors (the rest are counted), so neither the checker nor a page showing its errors can balloon."""
import time

from bro.curricula import MAX_DOCUMENTS_PER_FILE, MAX_ERRORS, check_paths, check_text

THIRTY_THOUSAND_EMPTY_STANDARDS = "kind: standard\n---\n" * 30_000  # 570 KB, as in the attack run


def test_a_file_of_thirty_thousand_documents_is_refused_quickly_with_one_error():
    started = time.perf_counter()
    result = check_text(THIRTY_THOUSAND_EMPTY_STANDARDS, "many.yaml")
    assert time.perf_counter() - started < 2  # was 24 s and 150,000 errors
    assert [error.line for error in result.errors] == [2 * MAX_DOCUMENTS_PER_FILE + 1]
    assert f"more than {MAX_DOCUMENTS_PER_FILE} documents" in result.errors[0].message
    assert "split it into smaller files" in result.errors[0].message and result.more_errors == 0


def test_the_document_cap_is_a_parameter():
    assert check_text("kind: standard\n---\n" * 3, "three.yaml", max_documents=2).errors[0].line == 5


def test_a_file_at_the_cap_is_checked_document_by_document():
    text = "kind: standard\n---\n" * (MAX_DOCUMENTS_PER_FILE - 1) + "kind: standard\n"
    result = check_text(text, "at-cap.yaml")
    assert "documents" not in result.errors[0].message


def test_a_stray_final_separator_after_the_last_allowed_document_is_not_one_too_many():
    text = "kind: standard\n---\n" * MAX_DOCUMENTS_PER_FILE
    assert "more than" not in check_text(text, "trailing.yaml").errors[0].message


def test_errors_beyond_the_cap_are_counted_not_kept():
    result = check_text("kind: standard\n---\n" * 50, "fifty.yaml")
    assert len(result.errors) == MAX_ERRORS and result.more_errors > 0
    assert result.error_count == len(result.errors) + result.more_errors and not result.ok
    assert [e.line for e in result.errors] == sorted(e.line for e in result.errors)  # the first ones, in order


def test_the_error_cap_applies_across_the_files_of_a_folder(tmp_path):
    for number in range(3):
        (tmp_path / f"f{number}.yaml").write_text("kind: standard\n---\n" * 20)
    result = check_paths([tmp_path], max_errors=10)
    assert len(result.errors) == 10 and result.error_count > 100
