"""Least privilege, checked against the code: for every function of the example stacks, the
AWS calls its handler can make (read from the handler's source, following the functions it
calls into our own modules) are exactly the data actions its role is granted. A grant no
handler uses, or a call no grant allows, fails here.

What the role needs besides the handler's own calls is listed with the reason: writing its
logs, and what Lambda itself does with the function's role (reading a stream for an event
source mapping, sending a failed event to a destination).
"""
import ast
import pathlib

import pytest
from harness import ROOT, of_type, synth

# The boto3 calls our handlers make, and the action each needs.
ACTIONS = {
    "put_item": "dynamodb:PutItem",
    "get_item": "dynamodb:GetItem",
    "update_item": "dynamodb:UpdateItem",
    "delete_item": "dynamodb:DeleteItem",
    "query": "dynamodb:Query",
    "scan": "dynamodb:Scan",
    "batch_get_item": "dynamodb:BatchGetItem",
    "batch_write_item": "dynamodb:BatchWriteItem",
    "describe_table": "dynamodb:DescribeTable",
    "send_message": "sqs:SendMessage",
    "put_events": "events:PutEvents",
    "get_secret_value": "secretsmanager:GetSecretValue",
}
# Every function writes its own log group.
LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
# Lambda reads a DynamoDB stream with the function's role (ListStreams has no resource-level
# permission, see constructs/src/dynamodb/perms.rs).
STREAM_MAPPING = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
# Lambda sends a failed event to an SQS destination with the function's role.
DESTINATION = {"sqs:SendMessage"}
# The tables are encrypted with the stack's key: DynamoDB uses it with the caller's rights,
# to read (KEY_READ) and to write (KEY_WRITE), as constructs/src/dynamodb/perms.rs lists.
KEY_READ = {"kms:Decrypt", "kms:DescribeKey"}
KEY_WRITE = KEY_READ | {
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
}
TABLE_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


def key_needs(actions, tables_on_a_key):
    """What the calls `actions` need on the tables' customer managed key."""
    if not tables_on_a_key or not any(a.startswith("dynamodb:") for a in actions):
        return set()
    return KEY_WRITE if actions & TABLE_WRITES else KEY_READ

DIRECTORIES = {
    "EventSourcingRecipe": [ROOT / "examples/recipe/handlers", ROOT / "constructs/assets/event_store_publisher"],
    "CqrsUsersOrders": [ROOT / "examples/cqrs/handlers", ROOT / "constructs/assets/event_store_publisher"],
}


class Module:
    def __init__(self, path: pathlib.Path):
        self.tree = ast.parse(path.read_text())
        self.functions = {n.name: n for n in ast.walk(self.tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.imports = {}
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (node.module, alias.name)


def calls_of(directories, module_name, function_name="lambda_handler"):
    """The boto3 methods reachable from `module_name.function_name`, through our modules."""
    modules = {}

    def module(name):
        if name not in modules:
            path = next((d / f"{name}.py" for d in directories if (d / f"{name}.py").exists()), None)
            modules[name] = Module(path) if path else None
        return modules[name]

    seen, found = set(), set()
    todo = [(module_name, function_name)]
    # Module-level code (clients, tables) runs too, and may call nothing of interest.
    while todo:
        mod_name, fn_name = todo.pop()
        if (mod_name, fn_name) in seen:
            continue
        seen.add((mod_name, fn_name))
        mod = module(mod_name)
        if mod is None or fn_name not in mod.functions:
            continue
        # Functions named in module-level code (a dispatch table of query types) are
        # reachable once the module is.
        for statement in mod.tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and node.id in mod.functions:
                    todo.append((mod_name, node.id))
        for node in ast.walk(mod.functions[fn_name]):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr in ACTIONS:
                found.add(node.func.attr)
            if isinstance(node.func, ast.Name):
                name = node.func.id
                if name in mod.functions:
                    todo.append((mod_name, name))
                elif name in mod.imports:
                    todo.append(mod.imports[name])
        # A function passed as a value (decide=account_rules(...), callbacks) is called too.
        for node in ast.walk(mod.functions[fn_name]):
            if isinstance(node, ast.Name) and node.id in mod.functions:
                todo.append((mod_name, node.id))
            elif isinstance(node, ast.Name) and node.id in mod.imports:
                todo.append(mod.imports[node.id])
    return {ACTIONS[c] for c in found}


def granted(template, role):
    resources = template["Resources"]
    documents = [p["PolicyDocument"] for p in resources[role]["Properties"].get("Policies", [])]
    documents += [
        r["Properties"]["PolicyDocument"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"]
    ]
    actions = set()
    for d in documents:
        for s in d["Statement"]:
            assert s["Effect"] == "Allow"
            actions.update([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    return actions


def functions(stack):
    template = synth(stack)
    mapped = {
        (m["Properties"]["FunctionName"].get("Ref") or m["Properties"]["FunctionName"]["Fn::GetAtt"][0])
        for m in of_type(template, "AWS::Lambda::EventSourceMapping").values()
    }
    destinations = {
        (c["Properties"]["FunctionName"].get("Ref") or c["Properties"]["FunctionName"]["Fn::GetAtt"][0])
        for c in of_type(template, "AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"].get("DestinationConfig")
    }
    for lid, f in of_type(template, "AWS::Lambda::Function").items():
        module = f["Properties"]["Handler"].rsplit(".", 1)[0]
        role = f["Properties"]["Role"]["Fn::GetAtt"][0]
        yield template, lid, module, role, lid in mapped, lid in destinations


CASES = [(stack, lid) for stack in DIRECTORIES for (_, lid, *_rest) in functions(stack)]


@pytest.mark.parametrize("stack, function", CASES)
def test_each_role_grants_exactly_what_its_handler_calls(stack, function):
    (template, lid, module, role, mapped, destination) = next(f for f in functions(stack) if f[1] == function)
    calls = calls_of(DIRECTORIES[stack], module)
    on_a_key = any(
        t["Properties"].get("SSESpecification", {}).get("KMSMasterKeyId")
        for t in of_type(template, "AWS::DynamoDB::Table").values()
    )
    used = calls | key_needs(calls | (STREAM_MAPPING if mapped else set()), on_a_key)
    lambda_needs = (
        LOGS
        | (STREAM_MAPPING | DESTINATION if mapped else set())
        | (DESTINATION if destination else set())
    )
    have = granted(template, role)
    assert used - have == set(), f"{stack}/{lid} ({module}) calls what its role does not allow"
    assert have - used - lambda_needs == set(), f"{stack}/{lid} ({module}) is granted what it never calls"


def test_the_call_reader_follows_our_modules():
    """The reader itself: the recipe's command handler appends through event_store.py."""
    assert calls_of(DIRECTORIES["EventSourcingRecipe"], "command_handler") == {"dynamodb:PutItem", "dynamodb:Query"}
    assert calls_of(DIRECTORIES["EventSourcingRecipe"], "projection_handler") == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "sqs:SendMessage",
    }
