"""jupyter_client classes of a report's kernel, through jupyter_client's extension points.

* :class:`ReportKernelManager`: an ``AsyncKernelManager`` whose clients are
  :class:`ReadyClient` (its ``client_class``) and are kept, so that the kernel's owner can stop
  their channels (nbclient makes the client through :meth:`ReportKernelManager.client`);
* :class:`ReportSpecManager`: ipykernel's own kernel spec (this interpreter), naming the
  provisioner that starts the kernel in its ``kernel_provisioner`` metadata, which
  jupyter_client's ``KernelProvisionerFactory`` resolves through the
  ``jupyter_client.kernel_provisioners`` entry points (``xinfang-fork`` is
  :class:`xinfang.run.zygote.ForkProvisioner`, registered in ``pyproject.toml``);
* :class:`ReadyClient`: ready as soon as the kernel has answered.

Imported by :func:`xinfang.run.kernels.kernel_manager` when a kernel is made (jupyter_client
is not imported before that).
"""
from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory
from jupyter_client.session import protocol_version
from traitlets import Any as AnyTrait
from traitlets import DottedObjectName, List, Unicode, default
from traitlets.utils.importstring import import_item

#: The entry point name of :class:`xinfang.run.zygote.ForkProvisioner`.
FORK_PROVISIONER = "xinfang-fork"


class ReadyClient(AsyncKernelClient):
    """The client nbclient makes for a report's kernel: ready as soon as the kernel has
    answered ``kernel_info`` on the shell channel and IOPub has brought that request's
    ``idle`` status — IOPub is then connected, and everything the kernel published before
    has been read, in order. jupyter_client's own check waits in addition for 0.2 s of
    silence on IOPub, on every kernel: a tenth of a unit report's time."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            if await self.answered(msg_id) and await self.idle(msg_id):
                return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def answered(self, msg_id: str) -> bool:
        """True once the ``kernel_info_reply`` to ``msg_id`` has come (False after 1 s without
        a message); adapts the session to the kernel's protocol version, as jupyter_client does."""
        while True:
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                return False
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "kernel_info_reply":
                major = int(msg["content"].get("protocol_version", protocol_version).split(".")[0])
                if major != int(protocol_version.split(".")[0]):
                    self.session.adapt_version = major
                return True

    async def idle(self, msg_id: str) -> bool:
        """True once IOPub brings the ``idle`` status of ``msg_id``; False when IOPub is quiet for
        0.2 s (not connected yet when the kernel published it: ask again)."""
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=0.2)  # the kernel publishes it at once
            except Empty:
                return False
            if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"].get("execution_state") == "idle"):
                return True


class ReportSpecManager(KernelSpecManager):
    """Kernel specs of ipykernel alone (no kernel directories: a user's ``python3`` or
    ``xinfang`` kernel that runs another Python is never found), with
    :attr:`provisioner_name` written into each spec's ``kernel_provisioner`` metadata."""

    provisioner_name = Unicode("", help="the provisioner entry point kernels are started with ('' = jupyter_client's default)")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_dirs", [])
        super().__init__(**kwargs)

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        if self.provisioner_name:
            spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": self.provisioner_name}}
        return spec


def provisioner_available(name: str) -> bool:
    """True when the kernel provisioner ``name`` is registered (an entry point of an installed
    package: the fork provisioner needs ``pip install -e .`` after ``pyproject.toml`` changed)."""
    spec = KernelSpec(display_name=name, metadata={"kernel_provisioner": {"provisioner_name": name}})
    factory = KernelProvisionerFactory.instance()
    return factory.is_provisioner_available(spec)


class ReportKernelManager(AsyncKernelManager):
    """The manager of one report's kernel: :class:`ReadyClient` clients, kept in :attr:`clients`;
    :attr:`zygote`, the template process a fork provisioner forks the kernel from."""

    client_class = DottedObjectName(f"{__name__}.ReadyClient")
    clients = List(help="the clients made for this kernel (their channels are stopped with it)")
    zygote = AnyTrait(None, allow_none=True, help="xinfang.run.zygote.Zygote for the fork provisioner")

    @default("client_factory")
    def default_client_factory(self) -> type:
        # AsyncKernelManager redefines the client_factory trait with a fixed default
        # (AsyncKernelClient): the class named by client_class is used only when client_class is
        # set on an instance. Named here, it is the default of both (jupyter_client 8.6-8.10).
        return import_item(self.client_class)

    def client(self, **kwargs: Any) -> ReadyClient:  # type: ignore[override]
        kc = super().client(**kwargs)
        self.clients.append(kc)
        return kc
