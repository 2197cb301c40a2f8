"""The room server: delegates' phones and the browser projector, on the laptop's own network.

Imported only by `facilitate room` (and its tests): the console never loads Starlette,
uvicorn or segno. Every read and write goes through console.store on one thread.
"""
