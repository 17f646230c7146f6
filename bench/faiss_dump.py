#!/usr/bin/python3
"""FAISS on a vector dump, the reference point for bench/vector.sh.

    /usr/bin/python3 bench/faiss_dump.py DUMP N D [--indexes=hnsw,ivf]
        [--m=16] [--efc=200] [--ef=32,64,128,256] [--nlist=0] [--nprobe=8,32,64]

DUMP is raw little-endian float32: N*D base rows, then the query rows (as
faiss_anchor.py --dump and TestExportDump write). Rows are L2-normalised
here and every index uses the inner product, so its ranking is cosine's,
the metric our indexes use. Recall@10 is against exact search
(IndexFlatIP); latency is single query on one thread (omp 1), p50 and p99
over every query, as BenchmarkDump reports ours. nlist 0 means 4*sqrt(N)
(as ours); IVF trains on min(N, 100*nlist) rows like faiss_anchor.py.
Needs Debian's python3-faiss and /usr/bin/python3.
"""
import sys
import time

import faiss
import numpy as np


def opt(name, default):
    for a in sys.argv[1:]:
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return default


def ints(s):
    return [int(v) for v in s.split(",") if v]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        sys.exit(__doc__)
    path, n, d = args[0], int(args[1]), int(args[2])
    x = np.fromfile(path, dtype="<f4")
    if x.size % d or x.size // d <= n:
        sys.exit(f"{path}: {x.size} floats is not {n} rows of dim {d} plus queries")
    x = np.ascontiguousarray(x.reshape(-1, d))
    xb, xq = np.ascontiguousarray(x[:n]), np.ascontiguousarray(x[n:])
    faiss.normalize_L2(xb)
    faiss.normalize_L2(xq)
    nq = len(xq)
    print(f"faiss {faiss.__version__}: {path}: {n} base, {nq} queries, dim {d}, omp threads {faiss.omp_get_max_threads()}")
    flat = faiss.IndexFlatIP(d)
    flat.add(xb)
    t = time.time()
    _, gt = flat.search(xq, 10)
    print(f"flat (exact) batched: {1000 * (time.time() - t) / nq:.2f} ms/query")

    # Tie-aware recall@10 (as BenchmarkDump's recallTies): a returned row
    # counts when it is in the true top 10 or as similar as the true 10th
    # (within 1e-6); embedder vectors hold exact duplicates, and which of
    # several tied rows an index returns is arbitrary.
    kth = np.einsum("ij,ij->i", xq, xb[gt[:, 9]])

    def recall(ids):
        hits = 0
        for i in range(nq):
            want = set(gt[i])
            ok = [j for j in ids[i] if j >= 0 and (j in want or float(xq[i] @ xb[j]) >= kth[i] - 1e-6)]
            hits += min(len(ok), 10)
        return hits / (10 * nq)

    def single(index, n=nq):
        faiss.omp_set_num_threads(1)
        lat = []
        for i in range(min(n, nq)):
            t = time.perf_counter()
            index.search(xq[i:i + 1], 10)
            lat.append(1000 * (time.perf_counter() - t))
        faiss.omp_set_num_threads(2)
        lat.sort()
        return lat[len(lat) // 2], lat[len(lat) * 99 // 100]

    p50, p99 = single(flat, 100)
    print(f"flat: recall@10=1.000 p50={p50:.3f} ms p99={p99:.3f} ms (float32 scan, 100 queries)")
    kinds = opt("indexes", "hnsw,ivf").split(",")
    if "hnsw" in kinds:
        m, efc = int(opt("m", "16")), int(opt("efc", "200"))
        h = faiss.IndexHNSWFlat(d, m, faiss.METRIC_INNER_PRODUCT)
        h.hnsw.efConstruction = efc
        t = time.time()
        h.add(xb)
        print(f"hnsw M={m} efC={efc} build: {time.time() - t:.1f} s ({4 * d + 8 * m} B/vector at least: float32 + level-0 links)")
        for ef in ints(opt("ef", "32,64,128,256")):
            h.hnsw.efSearch = ef
            _, ids = h.search(xq, 10)
            p50, p99 = single(h)
            print(f"hnsw ef={ef}: recall@10={recall(ids):.3f} p50={p50:.3f} ms p99={p99:.3f} ms")
        del h
    if "ivf" in kinds:
        nl = int(opt("nlist", "0")) or int(4 * np.sqrt(n))
        q = faiss.IndexFlatIP(d)
        ivf = faiss.IndexIVFFlat(q, d, nl, faiss.METRIC_INNER_PRODUCT)
        t = time.time()
        ivf.train(xb[:min(n, 100 * nl)])
        ivf.add(xb)
        print(f"ivf nlist={nl} build: {time.time() - t:.1f} s (trained on {min(n, 100 * nl)} rows, niter {ivf.cp.niter})")
        for npb in ints(opt("nprobe", "8,32,64")):
            ivf.nprobe = npb
            _, ids = ivf.search(xq, 10)
            p50, p99 = single(ivf)
            print(f"ivf nprobe={npb}: recall@10={recall(ids):.3f} p50={p50:.3f} ms p99={p99:.3f} ms")


if __name__ == "__main__":
    main()
