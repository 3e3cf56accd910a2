"""Uploading a file through flyteadmin's data proxy, as FlyteRemote.upload_file does, with a
timeout: flyteadmin gives a signed URL (CreateUploadLocation), the file is PUT there."""

import os
from base64 import b64encode
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flytekit.remote import FlyteRemote
from flytekit.tools.script_mode import hash_file

from infra.errors import LauncherError
from infra.flyteadmin.calls import calling

UPLOAD_TIMEOUT = "hydra.launcher.connection.upload_timeout_seconds"


def upload_file(remote: FlyteRemote, path: Path, timeout: float) -> str:
    """Upload ``path``; its location in the cluster's blob store. The PUT fails if connecting,
    or any wait for the storage to take more bytes or to answer, lasts over ``timeout`` s."""
    md5, _, _ = hash_file(path)
    with calling(remote, "CreateUploadLocation"):
        location = remote.client.get_upload_signed_url(
            project=remote.default_project,
            domain=remote.default_domain,
            content_md5=md5,
            filename=path.name,
        )
    headers: dict[str, str | bytes] = {
        "Content-Length": str(os.stat(path).st_size),
        "Content-MD5": b64encode(md5),
    }
    headers.update(remote.get_extra_headers_for_protocol(location.native_url))
    headers.update(location.headers)
    platform = remote.config.platform
    verify = False if platform.insecure_skip_verify else (platform.ca_cert_file_path or True)
    where = _without_signature(location.signed_url)
    try:
        with path.open("rb") as archive:
            response = requests.put(
                location.signed_url, data=archive, headers=headers, verify=verify, timeout=timeout
            )
    except requests.Timeout as error:
        raise LauncherError(
            f"uploading {path.name} to {where} stalled for {timeout:g} s ({UPLOAD_TIMEOUT})"
        ) from error
    except requests.RequestException as error:
        # The error's text holds the signed URL: only its kind is shown
        raise LauncherError(
            f"uploading {path.name} to {where} failed: {type(error).__name__}"
        ) from error
    if response.status_code not in (200, 201):
        raise LauncherError(
            f"uploading {path.name} to {where} failed: HTTP {response.status_code} "
            f"{response.text[:200]}"
        )
    return location.native_url


def _without_signature(url: str) -> str:
    """A signed URL without its query, which holds the signature: fit to print."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
