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

Five of CloudFormation's behaviours moto leaves out are added, so that deploy's handling
of them is exercised against a server:
- A stack's outputs are those of the template its last change set applied (moto keeps
  those of the template the stack was created with: none, for a change set's stack),
  except those moto cannot evaluate (an Fn::ImportValue).
- A CREATE change set's execution reports each resource it created (CREATE_IN_PROGRESS,
  then CREATE_COMPLETE) before the stack's CREATE_COMPLETE; moto reports only the stack.
- DescribeStackEvents answers at most 100 events per page, with a NextToken, as
  CloudFormation does (moto answers every event at once).
- UpdateTerminationProtection, which moto does not answer (a change set does not carry
  termination protection: deploy sets it with this call).
- CloudFormation computes a change set asynchronously (CREATE_PENDING, CREATE_IN_PROGRESS,
  then CREATE_COMPLETE). With ESCDK_TEST_CHANGE_SET_SECONDS=N a change set stays
  CREATE_IN_PROGRESS for its first N seconds (moto completes it at once).
"""
import copy
import inspect
import os
import sys

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
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

_apply = cfn_models.ChangeSet.apply


def _record_outputs(change_set):
    """The stack's outputs become those of the template the change set applied. moto's
    change-set stacks resolve no Fn::ImportValue (they are made without the region's
    exports), so an output moto cannot evaluate is left out rather than failing every
    DescribeStacks of the stack."""
    stack = change_set.stack
    outputs = change_set.template_dict.get("Outputs") or {}
    resolvable = {}
    for key, output in outputs.items():
        try:
            parsing.parse_output(key, output, stack.resource_map)
        except Exception:  # noqa: BLE001 - moto raises its own kinds; any means "cannot"
            continue
        resolvable[key] = output
    stack.output_map = parsing.OutputMap(
        stack.resource_map, {"Outputs": resolvable}, stack.stack_id
    )


def _apply_reporting_created_resources(self):
    result = _apply(self)
    _record_outputs(self)
    if self.change_set_type != "CREATE":
        return result
    stack = self.stack
    created = stack.resource_map._parsed_resources
    for logical_id, spec in (self.template_dict.get("Resources") or {}).items():
        resource = created.get(logical_id)
        if resource is None:
            continue  # not created (a false Condition)
        for status in ("CREATE_IN_PROGRESS", "CREATE_COMPLETE"):
            stack.events.append(
                cfn_models.Event(
                    stack_id=stack.stack_id,
                    stack_name=stack.name,
                    logical_resource_id=logical_id,
                    physical_resource_id=getattr(resource, "physical_resource_id", logical_id),
                    resource_type=spec.get("Type"),
                    resource_status=status,
                    resource_status_reason=None,
                    resource_properties=None,
                )
            )
    return result


cfn_models.ChangeSet.apply = _apply_reporting_created_resources

EVENTS_PER_PAGE = 100


def _describe_stack_events_paged(self):
    events = self.cloudformation_backend.describe_stack_events(self._get_param("StackName"))
    newest_first = events[::-1]
    start = int(self._get_param("NextToken") or 0)
    result = {"StackEvents": newest_first[start : start + EVENTS_PER_PAGE]}
    if start + EVENTS_PER_PAGE < len(newest_first):
        result["NextToken"] = str(start + EVENTS_PER_PAGE)
    return ActionResult(result)


CloudFormationResponse.describe_stack_events = _describe_stack_events_paged

SLOW_STACK, _, SLOW_SECONDS = os.environ.get("ESCDK_TEST_SLOW_CHANGE_SETS", "=0").partition("=")
_describe_change_set = CloudFormationResponse.describe_change_set


def _describe_change_set_computed_later(self):
    backend = self.cloudformation_backend
    change_set = backend.describe_change_set(change_set_name=self._get_param("ChangeSetName"))
    if (
        change_set is not None
        and change_set.status == "CREATE_COMPLETE"
        and change_set.stack_name == SLOW_STACK
    ):
        age = (utcnow() - change_set.creation_time).total_seconds()
        if age < float(SLOW_SECONDS):
            # The answer is serialized after this returns: describe a copy.
            computing = copy.copy(change_set)
            computing.status = "CREATE_IN_PROGRESS"
            computing.execution_status = "UNAVAILABLE"
            return ActionResult(computing)
    return _describe_change_set(self)


CloudFormationResponse.describe_change_set = _describe_change_set_computed_later



def _update_termination_protection(self):
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = self._get_param("EnableTerminationProtection") in (True, "true")
    return ActionResult({"StackId": stack.stack_id})


CloudFormationResponse.update_termination_protection = _update_termination_protection

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
