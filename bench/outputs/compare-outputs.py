#!/usr/bin/env python3
"""Compare two imesim output trees (fleet-outputs.sh), ignoring what differs run to run on the same code:
random ids (UUIDs, signatures), wall times, the output folder; service/ (keys, sqlite) is skipped."""
import os, re, sys
a, b = sys.argv[1], sys.argv[2]
subs = [
    (re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"), "<UUID>"),
    (re.compile(r"sig=[A-Za-z0-9_-]+"), "sig=<SIG>"),
    (re.compile(r"e=\d{10}"), "e=<EXP>"),
    (re.compile(r"simulated in [0-9.]+ s"), "simulated in <WALL> s"),
    (re.compile(r'"wallMs": [0-9.e+-]+'), '"wallMs": <WALL>'),
    (re.compile(r'time="[0-9.]+"'), 'time="<WALL>"'),  # junit test times are wall times
    (re.compile(r'"wallTime":\d+'), '"wallTime":<WALL>'),  # events.jsonl (dashboard): when each event was emitted
]
def norm(path, root):
    data = open(path, "rb").read()
    if path.endswith(".reg"):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8", "replace")
    if path.endswith(".xml") or path.endswith(".json") or path.endswith(".stdout") or path.endswith(".txt"):
        text = text.replace(root, "<OUT>")
    for pattern, repl in subs:
        if pattern.pattern.startswith('time=') and not path.endswith(".xml"):
            continue
        text = pattern.sub(repl, text)
    return text
bad = 0; n = 0
for dirpath, dirnames, files in os.walk(a):
    dirnames[:] = [d for d in dirnames if d != "service"]
    for f in files:
        pa = os.path.join(dirpath, f); rel = os.path.relpath(pa, a); pb = os.path.join(b, rel)
        n += 1
        if not os.path.exists(pb):
            print("missing in", b, rel); bad += 1; continue
        if norm(pa, a) != norm(pb, b):
            print("differs:", rel); bad += 1
for dirpath, dirnames, files in os.walk(b):
    dirnames[:] = [d for d in dirnames if d != "service"]
    for f in files:
        rel = os.path.relpath(os.path.join(dirpath, f), b)
        if not os.path.exists(os.path.join(a, rel)): print("extra in", b, rel); bad += 1
print(f"{n} files compared, {bad} differ")
sys.exit(1 if bad else 0)
