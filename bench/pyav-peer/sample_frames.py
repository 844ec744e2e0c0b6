#!/usr/bin/env python3
"""The PyAV peer of `lladav-eval bench --video`: lmms-eval's uniform frame sample, read the way decord does it.

lmms-eval 75571cf (models/simple/llava_onevision.py, load_video) samples
np.linspace(0, total_frame_num - 1, max_frames_num, dtype=int) and reads those frames with decord's
VideoReader.get_batch. decord indexes every packet's pts and keyframe flag at open (VideoReader::IndexKeyframes,
sorted by pts); for each wanted frame it seeks to the keyframe before it unless decoding on from the last frame is
nearer, and decodes up to it. This script does the same with PyAV (Debian python3-av) and converts each frame to rgb24.

usage: sample_frames.py VIDEO N OUT.rgb  -> writes the frames (repeats included) to OUT.rgb, prints one JSON line
(seconds: wall time of the index and the decode; cpu_seconds: this process's CPU time over the same span, all threads;
decoded: frames the decoder output, wanted or passed through on the way to one)
"""
import json
import sys
import time

import av
import numpy as np


def main() -> int:
    path, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    start, cpu_start = time.perf_counter(), time.process_time()
    with av.open(path) as probe:
        stream = probe.streams.video[0]
        index = sorted((p.pts, bool(p.is_keyframe)) for p in probe.demux(stream) if p.pts is not None)
        nb_frames = stream.frames
    pts = [p for p, _ in index]
    last_key, key = [], 0
    for i, (_, is_key) in enumerate(index):
        key = i if is_key else key
        last_key.append(key)
    total = nb_frames if nb_frames > 0 else len(pts)
    indices = np.linspace(0, total - 1, count, dtype=int)
    frames = {}
    with av.open(path) as container:
        stream = container.streams.video[0]
        decoder, position, decoded = None, -1, 0
        for i in sorted(set(int(x) for x in indices)):
            if decoder is None or last_key[i] > position:
                container.seek(pts[i], stream=stream, backward=True, any_frame=False)
                decoder = container.decode(stream)
            for frame in decoder:
                decoded += 1
                if frame.pts is None or frame.pts < pts[i]:
                    continue
                if frame.pts != pts[i]:
                    raise SystemExit(f"frame {i}: wanted pts {pts[i]}, decoded {frame.pts}")
                frames[i] = frame.to_ndarray(format="rgb24")
                position = i
                break
            else:
                raise SystemExit(f"frame {i} (pts {pts[i]}) was not decoded")
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    with open(out, "wb") as f:
        for i in indices:
            f.write(frames[int(i)].tobytes())
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "frames": total, "decoded": decoded, "indices": [int(i) for i in indices], "pyav": av.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
