"""Handwritten digits (:mod:`extractors.handdigits`): how often a digit is read sure, and how often a
sure reading is wrong, for glyphs of a kind the reader did not learn from.

    python -m benchmarks.handdigits            # leave one source out + unseen Hershey faces
    python -m benchmarks.handdigits --no-writers   # the same without the written digits set

- leave one source out: each font, the pen-drawn set and the written digits (the UCI
  optdigits set, the MNIST sample) in turn is read by the glyphs of all the others;
- unseen: OpenCV's Hershey faces (never trained on), every digit at three stroke widths and three
  slants, read by the whole training set.
"""

from __future__ import annotations

import argparse

import numpy as np

from extractors import handdigits as hd

HERSHEY = ("simplex", "duplex", "complex", "triplex", "script_simplex", "script_complex", "italic", "plain")


def knn(
    train: np.ndarray, labels: np.ndarray, test: np.ndarray, sources: np.ndarray
) -> list[tuple[int, float, float, float]]:
    """:func:`extractors.handdigits.classify` of each test vector against ``train``."""
    return hd.vote(train, labels, test, hd.vote_weights(sources))


def score(
    truth: np.ndarray, got: list[tuple[int, float, float, float]], max_distance: float = hd.MAX_DISTANCE
) -> tuple[float, float]:
    """(share read sure, share of sure readings that are wrong)."""
    sure = np.asarray(
        [
            d != hd.NOT_DIGIT and a >= hd.MIN_AGREEMENT - 1e-9 and x <= max_distance and b >= hd.MIN_SECOND - 1e-9
            for d, a, x, b in got
        ]
    )
    wrong = sure & (np.asarray([g[0] for g in got]) != truth)
    return float(sure.mean()), float(wrong.sum() / max(sure.sum(), 1))


def hershey_glyphs() -> tuple[np.ndarray, np.ndarray]:
    import cv2

    faces = {
        "simplex": cv2.FONT_HERSHEY_SIMPLEX,
        "duplex": cv2.FONT_HERSHEY_DUPLEX,
        "complex": cv2.FONT_HERSHEY_COMPLEX,
        "triplex": cv2.FONT_HERSHEY_TRIPLEX,
        "script_simplex": cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
        "script_complex": cv2.FONT_HERSHEY_SCRIPT_COMPLEX,
        "italic": cv2.FONT_HERSHEY_SIMPLEX | cv2.FONT_ITALIC,
        "plain": cv2.FONT_HERSHEY_PLAIN,
    }
    vecs, labels = [], []
    for name in HERSHEY:
        for digit in range(10):
            for thick in (2, 3, 4):
                for slant in (-0.3, 0.0, 0.15):
                    img = np.zeros((140, 140), np.uint8)
                    scale = 2.4 if name != "plain" else 5.0
                    cv2.putText(img, str(digit), (35, 100), faces[name], scale, 255, thick, cv2.LINE_AA)
                    shear = np.array([[1, slant, -slant * 70], [0, 1, 0]], np.float32)
                    vec = hd.features((cv2.warpAffine(img, shear, (140, 140)) > 127).astype(np.uint8))
                    if vec is not None:
                        vecs.append(vec)
                        labels.append(digit)
    return np.stack(vecs), np.asarray(labels)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-writers", action="store_true", help="leave the written digits sets out of training")
    args = parser.parse_args()
    vectors, labels, sources = hd.training_glyphs()
    if args.no_writers:
        keep = ~np.isin(sources, hd.WRITTEN_SOURCES)
        vectors, labels, sources = vectors[keep], labels[keep], sources[keep]
    print(f"{len(labels)} training glyphs, sources: {sorted(set(sources.tolist()))}")
    total = sure_n = wrong_n = 0
    pooled: list[tuple[np.ndarray, list[tuple[int, float, float, float]]]] = []
    for source in sorted(set(sources.tolist()) - {"scribble"}):
        out = sources == source
        got = knn(vectors[~out], labels[~out], vectors[out], sources[~out])
        pooled.append((labels[out], got))
        sure, wrong = score(labels[out], got)
        n = int(out.sum())
        total += n
        sure_n += round(sure * n)
        wrong_n += round(wrong * sure * n)
        print(f"  {source:32s} {n:5d} glyphs: {100 * sure:5.1f}% sure, {100 * wrong:4.1f}% of them wrong")
    print(f"leave one source out: {100 * sure_n / total:.1f}% sure, {100 * wrong_n / max(sure_n, 1):.1f}% wrong")
    test, truth = hershey_glyphs()
    got = knn(vectors, labels, test, sources)
    every = np.concatenate([t for t, _ in pooled])
    joined = [g for _, got_one in pooled for g in got_one]
    names = sorted(set(sources.tolist()) - {"scribble"})
    for limit in (0.08, 0.10, 0.12, 0.15, 0.20):
        rows = [("left out", every, joined), ("Hershey", truth, got)]
        shown = (*hd.WRITTEN_SOURCES, "pen")
        rows += [(name, t, g) for (t, g), name in zip(pooled, names, strict=True) if name in shown]
        cells = [
            f"{name} {100 * a:.1f}% sure {100 * b:.1f}% wrong" for name, t, g in rows for a, b in [score(t, g, limit)]
        ]
        print(f"  distance <= {limit:.2f}: " + "; ".join(cells))
    sure, wrong = score(truth, got)
    print(f"unseen Hershey faces ({len(truth)} glyphs): {100 * sure:.1f}% sure, {100 * wrong:.1f}% of them wrong")
    bad = [(int(t), g[0]) for t, g in zip(truth, got, strict=True) if g[0] != t and hd.is_sure(*g[1:])]
    if bad:
        print("  wrong sure readings (truth->read):", sorted(bad))


if __name__ == "__main__":
    main()
