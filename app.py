from bro import create_app

app = create_app()
