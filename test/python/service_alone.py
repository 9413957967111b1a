"""ChatbotService alone from Python: the container options it shares with `container` (under the
same names, inherited from ChatbotTaskContainerOptions), its 1.0 name `container_port`, and the
refusal of both names at once. Prints one JSON line per case for consumer_check.py."""
import json

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from secure_container_chatbot import ChatbotService


def task_container(**props):
    app = cdk.App()
    stack = cdk.Stack(app, "Service", env=cdk.Environment(region="eu-west-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    ChatbotService(stack, "Chat", vpc=vpc, image=ecs.ContainerImage.from_registry("example/chat:1"), **props)
    template = app.synth().get_stack_by_name("Service").template
    [task] = [r for r in template["Resources"].values() if r["Type"] == "AWS::ECS::TaskDefinition"]
    container = task["Properties"]["ContainerDefinitions"][0]
    return {
        "ports": [m["ContainerPort"] for m in container["PortMappings"]],
        "user": container.get("User"),
        "environment": {e["Name"]: e["Value"] for e in container.get("Environment", [])},
    }


print(json.dumps({"case": "current", **task_container(port=7860, user="1001:1001", environment={"APP_MODE": "production"})}))
print(json.dumps({"case": "deprecated", **task_container(container_port=7860)}))
try:
    task_container(port=7860, container_port=8080)
except Exception as error:  # jsii raises the library's Error as a RuntimeError
    print(json.dumps({"case": "both", "refused": str(error)}))
else:
    print(json.dumps({"case": "both", "refused": None}))
