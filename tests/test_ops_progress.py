"""Issue 17, point 4: progress that tells the truth. Updated per chunk of articles (not per
committed part), with the total where it is known, the rate and ETA, errors and already-done
articles named, and a closing summary line; ``tqdm.auto`` for notebooks in ``extract_many`` and
batch runs, off with ``progress=False``. Articles are written for these tests."""

from __future__ import annotations

import io
import json
import re

import qpdp_nlp
from qpdp_nlp.ingest import batch


def article(i: int) -> str:
    return (f"Huyện Ba Bể tổ chức lễ giao nhận quân số {i}\n\n"
            f"Sáng 12/2, {30 + i} thanh niên huyện Ba Bể lên đường nhập ngũ.")


def dump(path, n, bad=0):
    lines = [json.dumps({"id": f"A{i}", "text": article(i)}, ensure_ascii=False) for i in range(n)]
    lines += ['{"id": "cut", "text": '] * bad
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(src, out, **kw):
    err = io.StringIO()
    options = batch.RunOptions(out=out, workers=1, batch_size=1000, progress=True, **kw)
    summary = batch.run([str(src)], options, stderr=err)
    return summary, err.getvalue()


def test_progress_moves_per_chunk_before_any_part_is_committed(tmp_path):
    src = dump(tmp_path / "dump.jsonl", 40, bad=2)
    summary, shown = run(src, tmp_path / "out")
    # 40 articles, one part of 1,000: before, the display moved only when a part was committed
    frames = re.findall(r"(\d+) read · (\d+) new · (\d+) already done · (\d+) errors", shown)
    news = [int(f[1]) for f in frames]
    assert 16 in news and 32 in news, news
    assert "%" in shown and "articles/s" in shown  # the total (bytes of the input) is known
    assert summary.read == 40 and summary.errors == 2
    last = shown.rstrip().splitlines()[-1]
    assert last == f"qpdp: 40 read, 40 new, 0 already done, 2 errors → {tmp_path / 'out'}/"


def test_the_summary_line_says_what_was_already_done(tmp_path):
    src = dump(tmp_path / "dump.jsonl", 20)
    run(src, tmp_path / "out")
    summary, shown = run(src, tmp_path / "out")
    assert summary.skipped == 20
    assert shown.rstrip().splitlines()[-1] == f"qpdp: 20 read, 0 new, 20 already done, 0 errors → {tmp_path / 'out'}/"


def test_progress_false_and_quiet_print_nothing_but_errors(tmp_path):
    src = dump(tmp_path / "dump.jsonl", 5, bad=1)
    err = io.StringIO()
    batch.run([str(src)], batch.RunOptions(out=tmp_path / "out", workers=1, progress=False, quiet=True), stderr=err)
    assert err.getvalue().count("\n") == 1 and "malformed JSON line" in err.getvalue()


def test_limit_gives_the_total(tmp_path):
    src = dump(tmp_path / "dump.jsonl", 30)
    summary, shown = run(src, tmp_path / "out", limit=10)
    assert summary.read == 10 and summary.stopped == "--limit 10"
    assert "10/10" in shown or "100%" in shown


def test_extract_many_shows_tqdm_with_the_total(capsys):
    texts = [article(i) for i in range(3)]
    records = list(qpdp_nlp.extract_many(texts, progress=True))
    assert len(records) == 3
    assert "3/3" in capsys.readouterr().err
    list(qpdp_nlp.extract_many(texts, progress=False))
    assert capsys.readouterr().err == ""
