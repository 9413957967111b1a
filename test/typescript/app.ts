import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotImage, SecureContainerChatbot } from 'secure-container-chatbot';

const app = new App();
const stack = new Stack(app, 'Chatbot', { env: { region: 'eu-west-1' } });

const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789EXAMPLE',
  zoneName: 'example.com',
});

new SecureContainerChatbot(stack, 'Chat', {
  container: {
    // Built for the tasks' CPU architecture (x86_64 by default), whatever machine runs cdk deploy.
    image: ChatbotImage.fromAsset('./app'),
  },
  domainName: 'chat.example.com',
  hostedZone,
});
