"""AWS::Kinesis::Stream keeps StreamEncryption.

moto bug: ``Stream.create_from_cloudformation_json`` (and its no-interruption update) never reads
``StreamEncryption``, so a stream CloudFormation created with KMS encryption reads back as
``EncryptionType: NONE``. We apply it afterwards with ``start_stream_encryption``, the API
CloudFormation uses; an update without it stops the encryption, as CloudFormation does.
"""

from __future__ import annotations

from typing import Any

from moto.kinesis.models import Stream, kinesis_backends

_INSTALLED = "_constructs_lib_keeps_encryption"


def apply_encryption(stream: Stream, properties: dict[str, Any], *, update: bool) -> None:
    backend = kinesis_backends[stream.account_id][stream.region]
    encryption = properties.get("StreamEncryption")
    if encryption:
        backend.start_stream_encryption(stream.arn, stream.stream_name, encryption["EncryptionType"], encryption["KeyId"])
    elif update and stream.encryption_type != "NONE":
        backend.stop_stream_encryption(stream.arn, stream.stream_name)


def install() -> None:
    if getattr(Stream, _INSTALLED, False):
        return
    original = Stream.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    original_update = Stream.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: type[Stream],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Stream:
        stream: Stream = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        apply_encryption(stream, cloudformation_json.get("Properties", {}), update=False)
        return stream

    def update_from_cloudformation_json(
        cls: type[Stream],
        original_resource: Stream,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Stream:
        stream: Stream = original_update(
            cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
        )
        apply_encryption(stream, cloudformation_json.get("Properties", {}), update=True)
        return stream

    Stream.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    Stream.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    setattr(Stream, _INSTALLED, True)
