"""Tools the comparison needs: Debian packages (installed when missing) and the ActorDns Release build."""
import os
import shutil
import subprocess

# command -> Debian package
PACKAGES = {"dnsperf": "dnsperf", "knotd": "knot", "nsd": "nsd", "dnsdist": "dnsdist", "dig": "bind9-dnsutils",
            "gcc": "gcc", "taskset": "util-linux", "flock": "util-linux", "ss": "iproute2"}
# Services the packages start on port 53 on installation; we run our own instances on high ports.
SERVICES = ("knot", "nsd", "dnsdist")
POLICY_RC_D = "/usr/sbin/policy-rc.d"
BUILD_LOCK = "/tmp/actordns-build.lock"


def ensure_packages(log):
    missing = sorted({pkg for cmd, pkg in PACKAGES.items() if shutil.which(cmd) is None})
    if not missing:
        return
    log(f"installing {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # policy-rc.d exit 101 = "action forbidden": invoke-rc.d and deb-systemd-invoke then start nothing.
    own_policy = not os.path.exists(POLICY_RC_D)
    if own_policy:
        with open(POLICY_RC_D, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(POLICY_RC_D, 0o755)
    try:
        cmd = ["apt-get", "install", "-y", "--no-install-recommends"] + missing
        if subprocess.run(cmd, env=env, timeout=900).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, check=True, timeout=900)
            subprocess.run(cmd, env=env, check=True, timeout=900)
    finally:
        if own_policy:
            os.remove(POLICY_RC_D)
    _stop_services(log)


def _stop_services(log):
    """Whatever a package started anyway (an existing policy-rc.d may allow it) is stopped and disabled."""
    systemd = os.path.isdir("/run/systemd/system")
    for svc in SERVICES:
        if systemd:
            subprocess.run(["systemctl", "disable", "--now", svc], capture_output=True)
        elif os.path.exists(f"/etc/init.d/{svc}"):
            subprocess.run(["service", svc, "stop"], capture_output=True)
            subprocess.run(["update-rc.d", svc, "disable"], capture_output=True)
    r = subprocess.run(["ss", "-Hlnup", "sport = :53"], capture_output=True, text=True)
    r2 = subprocess.run(["ss", "-Hlntp", "sport = :53"], capture_output=True, text=True)
    for line in (r.stdout + r2.stdout).splitlines():
        if "knotd" in line or '"nsd"' in line or '"dnsdist"' in line:
            raise RuntimeError(f"a packaged server still listens on port 53; stop it: {line.strip()}")
    log("package services stopped and disabled")


def build_actordns(repo, log_path, log):
    if shutil.which("dotnet") is None:
        raise RuntimeError("dotnet (the .NET 10 SDK) is not installed")
    log("building ActorDns (Release)")
    with open(log_path, "w") as out:
        # The lock is shared with other builds on this machine, which would otherwise fight over obj/.
        r = subprocess.run(["flock", BUILD_LOCK, "dotnet", "build", "-c", "Release", "src/ActorDns.Host"],
                           cwd=repo, stdout=out, stderr=subprocess.STDOUT, timeout=1200)
    if r.returncode != 0:
        with open(log_path, errors="replace") as f:
            raise RuntimeError(f"dotnet build failed, see {log_path}:\n{f.read()[-2000:]}")


def baseline_worktree(repo, rev, work_dir, log):
    """A detached worktree of REV under the work dir, built in Release; removed by remove_worktree."""
    path = os.path.join(work_dir, "baseline")
    log(f"baseline: worktree of {rev} at {path}")
    # A worktree left by an interrupted run was deleted with the work dir; forget it before adding again.
    subprocess.run(["git", "-C", repo, "worktree", "prune"], check=True, capture_output=True)
    subprocess.run(["git", "-C", repo, "worktree", "add", "--detach", path, rev], check=True, capture_output=True)
    build_actordns(path, os.path.join(work_dir, "baseline-build.log"), log)
    return path


def remove_worktree(repo, path):
    subprocess.run(["git", "-C", repo, "worktree", "remove", "--force", path], capture_output=True)
