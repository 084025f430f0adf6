"""tf.data's autotuner against fixed parallelism: wall and CPU time per training epoch.

    python benchmarks/data_stalls.py [--images 12800] [--epochs 3]

Trains the edge network on the same augmented pipeline twice, once with tf.data's autotuning
(AUTOTUNE map parallelism and prefetch, as most tutorials write it) and once as digitedge train
builds it (autotuner off). A stall shows as wall time that no core spent: idle = wall - CPU / cores.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=12800)
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()

    import keras
    import tensorflow as tf

    from digitedge import contract, data
    from digitedge import model as nets
    from digitedge.train import TrainConfig, _dataset, augmenter, resolve

    mnist = data.load()
    x, y = contract.to_input(mnist.x_train[: args.images]), mnist.y_train[: args.images]
    cfg = resolve(TrainConfig())
    cores = os.cpu_count() or 1
    for mode in ("autotuned", "digitedge (autotuner off)"):
        if mode == "autotuned":
            augment = augmenter(cfg, keras)  # the same augmentation, the tutorials' autotuned pipeline
            ds = tf.data.Dataset.from_tensor_slices((x, y.astype("int32"))).shuffle(len(x), seed=cfg.seed).batch(cfg.batch_size)
            ds = ds.map(lambda a, b: (augment(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
            ds = ds.prefetch(tf.data.AUTOTUNE)
        else:
            ds = _dataset(cfg, x, y, tf, keras)
        net = nets.build("edge")
        net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        net.fit(ds.take(2), verbose=0)  # tracing, outside the timing
        for epoch in range(args.epochs):
            wall, cpu = time.perf_counter(), time.process_time()
            net.fit(ds, epochs=1, verbose=0)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{mode:<26} epoch {epoch + 1}: wall {wall:5.1f} s  cpu {cpu:5.1f} s  "
                  f"idle {max(0.0, wall - cpu / cores):5.1f} s  ({cores} cores)", flush=True)


if __name__ == "__main__":
    main()
