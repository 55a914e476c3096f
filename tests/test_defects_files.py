"""Issue 16, the file defects: temporary files, devices and FIFOs, bad output paths,
private modes, --plugins-dir and template roots. Everything hostile here lives in
tmp_path (private device nodes, FIFOs, links): these tests run as root and never aim
at a real system path."""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
from pathlib import Path

import pytest

ONE = ["--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer", "--today", "2026-11-25",
       "--last-contact", "2026-11-20"]
PROFILE = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567"]
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def old_temporary(path: Path) -> Path:
    """The predictable name 704ab3d wrote through: .NAME.PID.tmp (the tests run in process)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def plant(path: Path, victim: Path) -> None:
    os.symlink(victim, old_temporary(path))


def log_dana(cli, *db):
    added = cli("contact", "add", "Dana Reyes", "--company", "Acme", *db)
    assert added.returncode == 0, added.stderr
    ran = cli("log", "Dana Reyes", "--outcome", "scheduled", "--next", "2026-11-27 10:30", "--date",
              "2026-11-20", "--today", "2026-11-25", *db)
    assert ran.returncode == 0, ran.stderr


# -- defect 2: temporary files follow links -----------------------------------------------------


@posix
def test_defect_2_a_link_at_the_temporary_name_is_never_followed(cli, tmp_path, isolated_home):
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    log_dana(cli)
    targets = {
        "script.txt": [*ONE, *PROFILE],
        "export.json": ["export"],
        "calendar.ics": ["calendar", "--today", "2026-11-25"],
    }
    for name, args in targets.items():
        target = shared / name
        plant(target, victim)
        ran = cli(*args, "--output", target)
        assert ran.returncode == 0, (name, ran.stderr)
        assert victim.read_text() == "precious\n", name
        assert target.is_file() and not target.is_symlink() and target.stat().st_size > 0

    # batch --out-dir: the link sits at the temporary name of the row's file
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,last_contact\nDana Reyes,Acme,2026-11-20\n")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    first = cli("batch", rows, "--today", "2026-11-25", "--out-dir", drafts, *PROFILE)
    assert first.returncode == 0, first.stderr
    (written,) = list(drafts.iterdir())
    written.unlink()
    plant(written, victim)
    again = cli("batch", rows, "--today", "2026-11-25", "--out-dir", drafts, *PROFILE)
    assert again.returncode == 0, again.stderr
    assert victim.read_text() == "precious\n"
    assert written.is_file() and not written.is_symlink()

    # the config writer
    config = isolated_home / "config.toml"
    plant(config, victim)
    assert cli("config", "set", "profile.name", "Ana Lima").returncode == 0
    assert victim.read_text() == "precious\n"
    assert 'name = "Ana Lima"' in config.read_text()


@posix
def test_defect_2_write_atomic_makes_its_temporary_file_exclusively(tmp_path, monkeypatch):
    from followup_script import _files  # new in issue 16: imported here so the test runs on 704ab3d

    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    target = tmp_path / "out.txt"
    made = []
    real_mkstemp = _files.tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(_files.tempfile, "mkstemp", spy)
    _files.write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and victim.read_bytes() == b"keep"
    (name,) = made
    assert os.path.dirname(name) == str(tmp_path)  # in the target's folder: one rename, same file system
    assert not os.path.exists(name)  # renamed away
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["out.txt", "victim"]


# -- defect 24: devices, FIFOs and /dev/stdout are written through -------------------------------


@posix
@pytest.mark.skipif(not ROOT, reason="os.mknod of a character device needs root")
def test_defect_24_a_character_device_is_written_through_not_replaced(cli, tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    ran = cli(*ONE, *PROFILE, "--output", null)
    assert ran.returncode == 0, ran.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)  # still the device
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["null"]  # no temporary file

    # a link to it (as /dev/stdout is a link to /proc/self/fd/1): the link and the device stay
    link = tmp_path / "stdout"
    link.symlink_to(null)
    assert cli("export", "--output", link).returncode == 0
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(null).st_mode)


@posix
def test_defect_24_a_fifo_is_written_through_and_its_reader_gets_the_script(cli, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    ran = cli(*ONE, *PROFILE, "--output", pipe)
    reader.join(10)
    assert ran.returncode == 0, ran.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert got and b"Dana" in got[0]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["pipe"]


@posix
def test_defect_24_dev_fd_n_and_a_link_to_a_pipe_are_written_through(cli, tmp_path):
    read_end, write_end = os.pipe()
    try:
        link = tmp_path / "stdout"  # what /dev/stdout is: a link that ends at a pipe
        link.symlink_to(f"/proc/self/fd/{write_end}" if os.path.isdir("/proc/self/fd") else f"/dev/fd/{write_end}")
        ran = cli("export", "--output", link)
        assert ran.returncode == 0, ran.stderr
        os.set_blocking(read_end, False)
        try:
            got = os.read(read_end, 1 << 16)
        except BlockingIOError:  # nothing came through: the link was replaced by a file
            got = b""
        assert got.startswith(b"{")
        assert link.is_symlink()
        assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["stdout"]
    finally:
        os.close(read_end)
        os.close(write_end)


@posix
def test_defect_24_no_new_file_or_temporary_file_in_dev(tmp_path, monkeypatch):
    from followup_script import _files  # new in issue 16: imported here so the test runs on 704ab3d

    fake_dev = tmp_path / "dev"
    fake_dev.mkdir()
    monkeypatch.setattr(_files, "NO_TEMPORARY_FILES", (str(fake_dev),))
    with pytest.raises(PermissionError):
        _files.write_atomic(fake_dev / "nothing-here", b"x")
    (fake_dev / "regular").write_bytes(b"old")
    with pytest.raises(PermissionError):
        _files.write_atomic(fake_dev / "regular", b"x")
    assert sorted(p.name for p in fake_dev.iterdir()) == ["regular"]
    assert (fake_dev / "regular").read_bytes() == b"old"


# -- defect 17: bad output paths are one line, exit 2 --------------------------------------------


def one_line(ran, *words) -> None:
    assert ran.returncode == 2, ran.output
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith("followup-script: error: "), lines
    assert "Traceback" not in ran.output and "internal error" not in ran.output
    for word in words:
        assert word in lines[0], lines[0]


def test_defect_17_output_under_a_file_is_one_line(cli, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args in ([*ONE, *PROFILE], ["export"], ["calendar"]):
        ran = cli(*args, "--output", afile / "x.txt")
        one_line(ran, f"--output {str(afile / 'x.txt')!r}", "is a file")
    assert afile.read_text() == "x"


@posix
def test_defect_17_output_on_a_read_only_file_system_is_one_line(cli, tmp_path, monkeypatch):
    from followup_script import _files  # new in issue 16: imported here so the test runs on 704ab3d

    # Root writes through chmod 0500 and a bind mount needs privileges a test should not use,
    # so the read-only file system is simulated where the kernel would refuse: creating the
    # temporary file fails with EROFS, as it does on a file system mounted read-only.
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), kwargs.get("dir"))

    monkeypatch.setattr(_files.tempfile, "mkstemp", read_only)
    target = tmp_path / "script.txt"
    for args in ([*ONE, *PROFILE], ["export"], ["calendar"]):
        ran = cli(*args, "--output", target)
        one_line(ran, f"--output {str(target)!r}", "cannot be written (Read-only file system)")
    assert not target.exists()


@posix
def test_defect_17_a_dangling_link_out_dir_is_one_line(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,last_contact\nDana Reyes,Acme,2026-11-20\n")
    dangling = tmp_path / "drafts"
    dangling.symlink_to(tmp_path / "nowhere")
    ran = cli("batch", rows, "--today", "2026-11-25", "--out-dir", dangling, *PROFILE)
    one_line(ran, f"--out-dir {str(dangling)!r}", "link to a folder that does not exist")
    assert not (tmp_path / "nowhere").exists()

    afile = tmp_path / "afile"
    afile.write_text("x")
    for out_dir in (afile, afile / "sub"):
        ran = cli("batch", rows, "--today", "2026-11-25", "--out-dir", out_dir, *PROFILE)
        one_line(ran, f"--out-dir {str(out_dir)!r}", "is a file")


# -- defect 8: private files 0600, folders 0700 ---------------------------------------------------


@posix
def test_defect_8_the_tracker_its_wal_and_exports_are_private(cli, tmp_path, isolated_home):
    old = os.umask(0o022)
    try:
        db = tmp_path / "data" / "followup" / "tracker.sqlite3"
        env_db = ["--db", db]
        log_dana(cli, *env_db)
        assert mode(db) == 0o600
        assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
        sides = [Path(f"{db}{s}") for s in ("-wal", "-shm") if Path(f"{db}{s}").exists()]
        # while a connection is open the WAL files exist: open one and look
        from followup_script.tracker.database import connect

        conn = connect(db, 5)
        try:
            conn.execute("SELECT 1").fetchall()
            sides = [Path(f"{db}{s}") for s in ("-wal", "-shm") if Path(f"{db}{s}").exists()]
            assert sides
            for side in sides:
                assert mode(side) == 0o600, side
        finally:
            conn.close()

        export = tmp_path / "export.json"
        calendar = tmp_path / "calendar.ics"
        assert cli("export", "--output", export, *env_db).returncode == 0
        assert cli("calendar", "--output", calendar, *env_db).returncode == 0
        assert mode(export) == 0o600 and mode(calendar) == 0o600
        drafts = tmp_path / "new" / "drafts"
        rows = tmp_path / "rows.csv"
        rows.write_text("name,company,last_contact\nDana Reyes,Acme,2026-11-20\n")
        assert cli("batch", rows, "--today", "2026-11-25", "--out-dir", drafts, *PROFILE).returncode == 0
        assert mode(drafts) == 0o700 and mode(drafts.parent) == 0o700
        assert {mode(p) for p in drafts.iterdir()} == {0o600}
    finally:
        os.umask(old)


@posix
def test_defect_8_a_loose_wal_left_by_an_older_version_is_made_private(tmp_path):
    from followup_script.tracker.database import connect

    db = tmp_path / "tracker.sqlite3"
    conn = connect(db, 5)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    wal = Path(f"{db}-wal")
    assert wal.exists()
    os.chmod(wal, 0o644)
    again = connect(db, 5)
    try:
        assert mode(wal) == 0o600
    finally:
        again.close()
        conn.close()


# -- defect 4: --plugins-dir refuses what others could have written -------------------------------

PLUGIN = '''
import pathlib
pathlib.Path({ran!r}).write_text("ran")
'''


def plugins_folder(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    ran = tmp_path / "ran"
    plugin = folder / "evil.py"
    plugin.write_text(PLUGIN.format(ran=str(ran)))
    os.chmod(plugin, 0o644)
    return folder, ran


@posix
def test_defect_4_a_world_writable_plugins_dir_is_refused(cli, tmp_path):
    folder, ran = plugins_folder(tmp_path)
    os.chmod(folder, 0o777)
    result = cli("--plugins-dir", folder, "channels")
    one_line(result, f"--plugins-dir {str(folder)!r}", "other users may write in", "mode 0777", "chmod go-w")
    assert not ran.exists()
    os.chmod(folder, 0o1777)  # sticky (like /tmp): others still plant files there
    assert cli("--plugins-dir", folder, "channels").returncode == 2 and not ran.exists()


@posix
@pytest.mark.skipif(not ROOT, reason="os.chown to another user needs root")
def test_defect_4_another_users_plugin_file_is_refused(cli, tmp_path):
    folder, ran = plugins_folder(tmp_path)
    os.chown(folder / "evil.py", 12345, 12345)
    result = cli("--plugins-dir", folder, "channels")
    one_line(result, "holds evil.py, which belongs to user 12345, not you")
    assert not ran.exists()
    os.chown(folder / "evil.py", os.getuid(), os.getgid())
    os.chmod(folder / "evil.py", 0o666)
    result = cli("--plugins-dir", folder, "channels")
    one_line(result, "holds evil.py, which other users may write (mode 0666)")
    assert not ran.exists()
    os.chown(folder, 12345, 12345)
    os.chmod(folder / "evil.py", 0o644)
    one_line(cli("--plugins-dir", folder, "channels"), "owner user 12345")
    assert not ran.exists()


@posix
def test_defect_4_a_private_plugins_dir_still_loads(cli, tmp_path):
    folder, ran = plugins_folder(tmp_path)
    assert cli("--plugins-dir", folder, "channels").returncode == 0
    assert ran.read_text() == "ran"


# -- defect 5: templates never read files outside their folders -----------------------------------


THANKS = "Hi, thank you for your time. "


def secret_config(isolated_home) -> Path:
    config = isolated_home / "config.toml"
    config.write_text('[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\n'
                      '[sms]\nauth_token = "s3cr3t-token"\n')
    return config


@posix
def test_defect_5_a_linked_include_cannot_pull_in_the_config(cli, tmp_path, isolated_home):
    config = secret_config(isolated_home)
    user = isolated_home / "templates" / "voicemail"
    user.mkdir(parents=True)
    (user / "_leak.txt.j2").symlink_to(config)
    (user / "three-day-check.txt.j2").write_text(THANKS + '{% include "voicemail/_leak.txt.j2" %}\n')
    ran = cli(*ONE)
    assert "s3cr3t-token" not in ran.output
    one_line(ran, "template voicemail/_leak.txt.j2", "outside its template folder")

    # a linked template (not an include) is refused the same way
    (user / "three-day-check.txt.j2").unlink()
    (user / "three-day-check.txt.j2").symlink_to(config)
    ran = cli(*ONE)
    assert "s3cr3t-token" not in ran.output
    one_line(ran, "template voicemail/three-day-check.txt.j2", "outside its template folder")

    # a linked folder in the templates folder is outside it too
    (user / "three-day-check.txt.j2").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "three-day-check.txt.j2").write_text(THANKS + "From elsewhere.\n")
    os.rename(user, tmp_path / "gone")
    user.symlink_to(elsewhere)
    ran = cli(*ONE)
    one_line(ran, "template voicemail/three-day-check.txt.j2", "outside its template folder")


@posix
def test_defect_5_templates_check_dir_fails_a_pack_with_a_link_out(cli, tmp_path, isolated_home):
    config = secret_config(isolated_home)
    pack = tmp_path / "pack" / "voicemail"
    pack.mkdir(parents=True)
    (pack / "_leak.txt.j2").symlink_to(config)
    (pack / "three-day-check.txt.j2").write_text(THANKS + '{% include "voicemail/_leak.txt.j2" %}\n')
    ran = cli("templates", "check", "--dir", pack.parent)
    assert ran.returncode == 2, ran.output
    assert "s3cr3t-token" not in ran.output
    assert "voicemail/_leak.txt.j2 (user; any stage): outside-folder: template voicemail/_leak.txt.j2 is a link to" in ran.stdout
    # the same link in the user's own folder: `templates show` and `templates copy` refuse it too
    user = isolated_home / "templates" / "voicemail"
    user.mkdir(parents=True)
    (user / "_leak.txt.j2").symlink_to(config)
    shown = cli("templates", "show", "voicemail/_leak.txt.j2")
    assert "s3cr3t-token" not in shown.output
    one_line(shown, "template voicemail/_leak.txt.j2 is a link to", "outside its template folder")


@posix
def test_defect_5_a_link_inside_the_template_folder_still_works(cli, tmp_path, isolated_home):
    user = isolated_home / "templates" / "voicemail"
    user.mkdir(parents=True)
    (user / "_greeting.txt.j2").write_text("Hello from my own partial. Thank you for your time.\n")
    (user / "_hello.txt.j2").symlink_to(user / "_greeting.txt.j2")
    (user / "three-day-check.txt.j2").write_text('{% include "voicemail/_hello.txt.j2" %}')
    ran = cli(*ONE, *PROFILE)
    assert ran.returncode == 0, ran.stderr
    assert "Hello from my own partial." in ran.stdout


# -- more hostile cases on the same promises ----------------------------------------------------


@posix
def test_defect_2_a_link_planted_at_the_output_name_itself_is_replaced_not_followed(cli, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / "out.txt"
    target.symlink_to(victim)
    ran = cli(*ONE, *PROFILE, "--output", target)
    assert ran.returncode == 0, ran.stderr
    assert victim.read_text() == "precious\n"
    assert not target.is_symlink() and "Dana" in target.read_text()


@posix
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_defect_8_modes_do_not_depend_on_the_umask(cli, tmp_path, umask):
    old = os.umask(umask)
    try:
        db = tmp_path / "a" / "b" / "tracker.sqlite3"
        log_dana(cli, "--db", db)
        out = tmp_path / "export.json"
        assert cli("export", "--output", out, "--db", db).returncode == 0
        assert (mode(db), mode(db.parent), mode(db.parent.parent), mode(out)) == (0o600, 0o700, 0o700, 0o600)
    finally:
        os.umask(old)
