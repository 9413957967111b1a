"""A bad value from Python: the library refuses it at synth with the prop's path and the fix."""
import aws_cdk as cdk
from aws_cdk import aws_route53 as route53
from secure_container_chatbot import ChatbotContainerOptions, ChatbotImage, SecureContainerChatbot

app = cdk.App()
stack = cdk.Stack(app, "Chatbot", env=cdk.Environment(region="eu-west-1"))
hosted_zone = route53.HostedZone.from_hosted_zone_attributes(
    stack, "Zone", hosted_zone_id="Z0123456789EXAMPLE", zone_name="example.com"
)
try:
    SecureContainerChatbot(
        stack,
        "Chat",
        container=ChatbotContainerOptions(
            image=ChatbotImage.from_asset("./app"),
            writable_directories=["/tmp", "/home/chatbot", "/tmp"],
        ),
        domain_name="chat.example.com",
        hosted_zone=hosted_zone,
    )
except Exception as error:  # jsii raises the library's Error as a RuntimeError
    print(f"REFUSED: {error}")
else:
    print("ACCEPTED")
