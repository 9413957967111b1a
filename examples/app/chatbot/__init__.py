"""Reference chat app for secure-container-chatbot: Streamlit UI, Amazon Bedrock answers."""
