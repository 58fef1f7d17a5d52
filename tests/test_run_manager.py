"""xinfang.run.manager and the fork provisioner: a report's kernel through jupyter_client's
extension points (a KernelManager subclass, a provisioner found by entry point)."""
from __future__ import annotations

import logging
import sys

import pytest

from xinfang.run import kernels, manager


def test_the_fork_provisioner_is_found_by_its_entry_point():
    from jupyter_client.provisioning import KernelProvisionerFactory

    entries = KernelProvisionerFactory.instance().get_provisioner_entries()
    assert entries["xinfang-fork"] == "xinfang.run.zygote:ForkProvisioner"
    assert manager.provisioner_available("xinfang-fork")
    assert not manager.provisioner_available("xinfang-no-such-provisioner")


def test_the_spec_names_the_fork_provisioner_only_with_a_zygote(tmp_path):
    forked = kernels.kernel_manager(tmp_path, zygote=object())
    assert forked.kernel_spec.metadata["kernel_provisioner"] == {"provisioner_name": "xinfang-fork"}
    assert forked.kernel_spec.argv[0] == sys.executable
    launched = kernels.kernel_manager(tmp_path)
    assert "kernel_provisioner" not in launched.kernel_spec.metadata
    assert launched.kernel_spec.argv[0] == sys.executable


def test_the_manager_makes_ready_clients_and_keeps_them(tmp_path):
    km = kernels.kernel_manager(tmp_path)
    first, second = km.client(), km.client()
    assert type(first) is manager.ReadyClient and type(second) is manager.ReadyClient
    assert km.clients == [first, second]
    assert kernels.kernel_manager(tmp_path).clients == []  # one list per manager


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is Linux only")
def test_a_kernel_forked_through_the_provisioner(tmp_path):
    from jupyter_core.utils import run_sync

    from xinfang.run.zygote import ForkedProcess, ForkProvisioner, Zygote

    zygote = Zygote(tmp_path)
    try:
        kernel = kernels.Kernel.start(tmp_path, zygote=zygote)
        try:
            assert kernel.forked and type(kernel.km.provisioner) is ForkProvisioner
            assert isinstance(kernel.km.provisioner.process, ForkedProcess)
            kc = kernel.km.client()
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=60)
            assert kernel.clients == [kc] and kernel.pid == kernel.km.provisioner.pid
        finally:
            kernel.close()
        assert kernel.clients == [] and not kernel.runtime_dir.exists()
    finally:
        zygote.close()


def test_without_the_entry_point_kernels_are_launched_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(manager, "FORK_PROVISIONER", "xinfang-not-installed")
    kernels.fork_provisioner_available.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="xinfang"):
            kernel = kernels.Kernel.start(tmp_path, warm=(), zygote=object())  # the zygote is never used
        try:
            assert not kernel.forked and type(kernel.km.provisioner).__name__ == "LocalProvisioner"
        finally:
            kernel.close()
    finally:
        kernels.fork_provisioner_available.cache_clear()
    assert "xinfang-not-installed" in caplog.text
