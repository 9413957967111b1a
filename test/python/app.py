import aws_cdk as cdk
from aws_cdk import aws_route53 as route53
from secure_container_chatbot import (
    ChatbotContainerOptions,
    ChatbotImage,
    ChatbotIngress,
    SecureContainerChatbot,
)

app = cdk.App()
stack = cdk.Stack(app, "Chatbot", env=cdk.Environment(region="eu-west-1"))

hosted_zone = route53.HostedZone.from_hosted_zone_attributes(
    stack, "Zone", hosted_zone_id="Z0123456789EXAMPLE", zone_name="example.com"
)

SecureContainerChatbot(
    stack,
    "Chat",
    container=ChatbotContainerOptions(
        # Built for the tasks' CPU architecture (x86_64 by default), whatever machine runs cdk deploy.
        image=ChatbotImage.from_asset("./app"),
    ),
    domain_name="chat.example.com",
    hosted_zone=hosted_zone,
    bedrock_models=["anthropic.claude-3-haiku-20240307-v1:0"],
    ingress=ChatbotIngress.cloud_front(rate_limit_per_ip=500),
)

app.synth()
