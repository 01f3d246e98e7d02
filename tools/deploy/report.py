"""The deploy test's report as Markdown (for docs/deployment.md)."""

from __future__ import annotations


def _row(name: str, p: dict) -> str:
    return (f"| {name} | {p['from_s']}–{p['to_s']} s | {p['ask_requests']} | {p['ask_failed']} | "
            f"{p['ask_per_s']} | {p['p50_ms']} | {p['p95_ms']} | {p['max_ms']} | {p['feedback_requests']} | "
            f"{p['feedback_stored']} | {p['feedback_refused_clearly']} | {p['feedback_other']} |")


HEADER = ["| window | time | /v1/ask | failed | asks/s | p50 ms | p95 ms | max ms | feedback | stored | "
          "refused (JSON error) | other |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]


def _built(seconds: float) -> str:
    return "cached" if seconds < 2 else f"built in {seconds:g} s"


def markdown(r: dict) -> str:
    k = r["kill"]
    rec = k["recovery"]
    scan = r["ca_scan"]
    lines = [
        f"`make deploy-test`, {r['when']}: {r['users']} users for {r['seconds']:g} s through nginx, "
        f"load average {r['loadavg_start']} at the start and {r['loadavg_end']} at the end.",
        "",
        "- Images: " + ", ".join(f"{t} {mb} MB ({_built(r['build_s'][t])})" for t, mb in r["image_mb"].items()),
        f"- CA secret: {scan['layers']} layers, {scan['files']} files searched; the host's bundle in a layer: "
        f"{'YES' if scan['bundle_in_a_layer'] else 'no'}; any of its {scan['host_only_certs']} certificates that "
        f"only the host has: {'YES' if scan['host_only_cert_found'] else 'no'}; anything under /run/secrets: "
        f"{'YES' if scan['secret_path_in_a_layer'] else 'no'}",
        f"- Started: {len(r['replicas'])} API replicas + nginx; /readyz 200 through nginx after "
        f"{r['ready_through_nginx_s']} s",
        f"- Kill ({k['kill_mode']}) of {k['victim']} at {k['kill_s']} s: restarted by Docker after "
        f"{rec['restarted_s']} s, /readyz 200 after {rec['ready_s']} s, Docker 'healthy' after {rec['healthy_s']} s",
        f"- Before the kill, per replica: CPU {' / '.join(f'{v} s' for v in k['cpu_s'].values())}, "
        f"RSS {' / '.join(f'{v} MB' for v in k['rss_mb'].values())}; "
        f"{k['cpu_ms_per_ask']} ms of API CPU per /v1/ask (both replicas' CPU ÷ asks answered)",
        "",
        *HEADER,
        *(_row(name, p) for name, p in k["phases"].items()),
        _row("all", k["all"]),
    ]
    if "rolling" in r:
        ro = r["rolling"]
        steps = "; ".join(f"{s['replica']} down {s['down_s']} s" for s in ro["steps"])
        lines += ["", f"Rolling update to {ro['new_image']} (new index generation, built in {ro['build_s']} s): "
                      f"{steps}; every replica on the new generation: {'yes' if ro['all_new'] else 'NO'}", "",
                  *HEADER, _row("rolling", ro["all"])]
    lines += ["", f"Feedback rows in the shared SQLite file: {r['feedback_rows']}; answered 201 (stored): "
                  f"{r['feedback_201']}."]
    return "\n".join(lines)
