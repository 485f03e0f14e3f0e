"""moto's server, with two defects of moto 5.2.5 corrected so that our real templates deploy
and are deleted as CloudFormation does.

moto's CloudFormation support for AWS::KMS::Key hands the resource's `Tags` to KMS's
CreateKey as they are. CloudFormation spells a key's tags `Key`/`Value` (the resource
schema); KMS's API spells them `TagKey`/`TagValue`, so moto fails the key and every
resource that reads its ARN ("Fn::GetAtt references undefined resource"). The template is
right; the stand-in is corrected here rather than the tags removed from what we deploy.
(moto/kms/models.py, Key.create_from_cloudformation_json.)

moto's stack deletion keeps only resources whose DeletionPolicy is exactly `Retain`
(moto/cloudformation/parsing.py, ResourceMap.delete). CloudFormation keeps
`RetainExceptOnCreate` resources too when a stack is deleted: they are deleted only when
the operation that created them rolls back, which a DeleteStack is not. Here a deletion
treats them as `Retain`.
"""
import inspect
import sys

from moto.cloudformation import parsing
from moto.kms import models as kms
from moto.server import main

_create_key = kms.KmsBackend.create_key


_signature = inspect.signature(_create_key)


def _create_key_with_cfn_tags(*args, **kwargs):
    call = _signature.bind(*args, **kwargs)
    call.arguments["tags"] = [
        {"TagKey": t["Key"], "TagValue": t["Value"]} if isinstance(t, dict) and "Key" in t else t
        for t in (call.arguments.get("tags") or [])
    ]
    return _create_key(*call.args, **call.kwargs)


kms.KmsBackend.create_key = _create_key_with_cfn_tags

_delete = parsing.ResourceMap.delete


def _delete_keeping_retain_except_on_create(self):
    for resource in self._resource_json_map.values():
        if resource.get("DeletionPolicy") == "RetainExceptOnCreate":
            resource["DeletionPolicy"] = "Retain"
    return _delete(self)


parsing.ResourceMap.delete = _delete_keeping_retain_except_on_create

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
