export * from './secure-container-chatbot';
export * from './network/chatbot-network';
export * from './endpoints/chatbot-endpoints';
export * from './service/chatbot-service';
export * from './ingress/chatbot-load-balancer';
export * from './auth/chatbot-auth';
export * from './edge/chatbot-edge';
export * from './edge/chatbot-web-acl';
