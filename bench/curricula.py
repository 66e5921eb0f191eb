"""Generated curricula: the benchmark's service standard and its courses, as YAML documents.

Deterministic (no randomness at all): the same arguments give the same text, so the same content hash.
Used by the generator (imported through the real import path) and by the import benchmark (200 courses).
"""
from __future__ import annotations

from pathlib import Path

import yaml

STANDARD_KEY = "bench-service"
STEP_COUNT = 12
# Weights 1-3 as in the sample standards; two critical steps (they accept only met / not_met / na).
STEP_WEIGHTS = (1, 2, 3, 2, 1, 3, 2, 2, 1, 3, 2, 1)
CRITICAL_STEPS = frozenset({3, 6})  # 1-based positions
PASS_SCORE = 85
MODULES_PER_COURSE = 4
QUESTIONS_PER_QUIZ = 5

_STEP_NAMES = (
    ("Welcome the inquiry promptly", "Sambut pertanyaan dengan cepat", "Szybko przyjmij zapytanie"),
    ("Listen actively", "Mendengarkan secara aktif", "Słuchaj aktywnie"),
    ("Confirm identity and consent", "Konfirmasi identitas dan persetujuan", "Potwierdź tożsamość i zgodę"),
    ("Discover needs and desires", "Gali kebutuhan dan keinginan", "Rozpoznaj potrzeby i pragnienia"),
    ("Summarise what was heard", "Rangkum apa yang didengar", "Podsumuj, co usłyszałeś"),
    ("Give accurate information", "Berikan informasi yang akurat", "Podaj dokładne informacje"),
    ("Recommend what truly fits", "Rekomendasikan yang benar-benar cocok", "Poleć to, co naprawdę pasuje"),
    ("Handle objections honestly", "Tangani keberatan dengan jujur", "Uczciwie odpowiadaj na zastrzeżenia"),
    ("Agree the next step", "Sepakati langkah berikutnya", "Uzgodnij następny krok"),
    ("Keep promises and deadlines", "Tepati janji dan tenggat", "Dotrzymuj obietnic i terminów"),
    ("Follow up after the sale", "Tindak lanjuti setelah penjualan", "Zadbaj o kontakt po sprzedaży"),
    ("Close warmly and invite back", "Tutup dengan hangat dan undang kembali", "Pożegnaj ciepło i zaproś ponownie"),
)


def step_key(position: int) -> str:
    return f"step-{position:02d}"


def _text(en: str, id_: str, pl: str) -> dict[str, str]:
    return {"en": en, "id": id_, "pl": pl}


def standard_document(step_count: int = STEP_COUNT) -> dict:
    steps = []
    for position in range(1, step_count + 1):
        en, id_, pl = _STEP_NAMES[(position - 1) % len(_STEP_NAMES)]
        step = {
            "id": step_key(position),
            "title": _text(en, id_, pl),
            "weight": STEP_WEIGHTS[(position - 1) % len(STEP_WEIGHTS)],
            "guidance": _text(
                f"**Met:** {en.lower()} every time.\n\n**Partial:** done late or mechanically.\n\n"
                "**Not met:** not done.",
                f"**Terpenuhi:** {id_.lower()} setiap saat.", f"**Spełniony:** {pl.lower()} za każdym razem."),
        }
        if position in CRITICAL_STEPS:
            step["critical"] = True
        steps.append(step)
    return {
        "kind": "standard", "id": STANDARD_KEY, "language": "en",
        "title": _text("Benchmark service standard", "Standar layanan tolok ukur", "Standard obsługi (test)"),
        "relationship": "b2c", "pass_score": PASS_SCORE, "steps": steps,
    }


def _questions(course: int, module: int) -> list[dict]:
    tag = f"{course}-{module}"
    questions = [
        {"id": "q1", "type": "single", "points": 1, "prompt": _text(
            f"Which behaviour does module {tag} ask for first?", "Perilaku mana yang diminta pertama?",
            "Które zachowanie jest wymagane najpierw?"),
         "options": [
             {"id": "a", "text": "Acknowledge the customer at once", "correct": True,
              "feedback": "Yes: acknowledgement comes first."},
             {"id": "b", "text": "Finish the current task first"},
             {"id": "c", "text": "Ask for an order number before greeting"},
             {"id": "d", "text": "Transfer the customer"},
         ], "explanation": "The standard asks for an immediate, friendly acknowledgement."},
        {"id": "q2", "type": "multiple", "points": 2, "prompt": "Which of these build trust? Pick all that apply.",
         "options": [
             {"id": "a", "text": "Keeping promises", "correct": True},
             {"id": "b", "text": "Overpromising to close a sale"},
             {"id": "c", "text": "Explaining limits honestly", "correct": True},
             {"id": "d", "text": "Avoiding follow-up"},
         ]},
        {"id": "q3", "type": "true_false", "points": 1,
         "prompt": "Word of mouth is more potent than advertising.", "answer": True},
        {"id": "q4", "type": "short_text", "points": 1,
         "prompt": "What do we call a customer coming back to buy again?",
         "accept": ["repeat business", "repeat purchase"]},
        {"id": "q5", "type": "numeric", "points": 1,
         "prompt": "A customer spends 120 per visit, 5 visits a year, for 4 years. Lifetime value?",
         "value": 2400, "tolerance": 0},
    ]
    return questions[:QUESTIONS_PER_QUIZ]


def course_key(index: int) -> str:
    return f"bench-course-{index:03d}"


def course_document(index: int, step_count: int = STEP_COUNT, modules: int = MODULES_PER_COURSE,
                    standard_key: str = STANDARD_KEY, lesson_paragraphs: int = 3) -> dict:
    """Course ``index``: each module teaches one step, course i starting at step (i * modules) mod step_count."""
    module_docs = []
    for number in range(1, modules + 1):
        position = ((index - 1) * modules + number - 1) % step_count + 1
        en, id_, pl = _STEP_NAMES[(position - 1) % len(_STEP_NAMES)]
        body = "\n\n".join(
            f"## {en} ({paragraph})\n\nA relationship lives from consistent service. When we {en.lower()}, "
            "customers come back and recommend us; **word of mouth** beats any advertising. "
            "Think in lifetime value, not today's receipt."
            for paragraph in range(1, lesson_paragraphs + 1))
        module_docs.append({
            "id": f"module-{number}",
            "title": _text(en, id_, pl),
            "teaches": [step_key(position)],
            "lessons": [
                {"id": "why", "title": _text(f"Why: {en}", f"Mengapa: {id_}", f"Dlaczego: {pl}"),
                 "body": _text(body, body, body)},
                {"id": "how", "title": _text(f"How: {en}", f"Bagaimana: {id_}", f"Jak: {pl}"),
                 "body": {"en": body}},
            ],
            "quiz": {"pass_mark": 80, "shuffle": True, "questions": _questions(index, number)},
        })
    return {
        "kind": "course", "id": course_key(index), "language": "en",
        "title": _text(f"Service course {index}", f"Kursus layanan {index}", f"Kurs obsługi {index}"),
        "summary": {"en": "Our service standard, step by step."},
        "standard": standard_key,
        "modules": module_docs,
        "certification": {"title": {"en": f"Certified in course {index}"}, "valid_days": 365},
    }


def to_yaml(document: dict) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def write_course_files(folder: Path | str, count: int, start: int = 1, step_count: int = STEP_COUNT) -> list[Path]:
    """One YAML file per course (``count`` courses); returns the paths in order."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        path = folder / f"{course_key(index)}.yaml"
        path.write_text(to_yaml(course_document(index, step_count)), encoding="utf-8")
        paths.append(path)
    return paths
