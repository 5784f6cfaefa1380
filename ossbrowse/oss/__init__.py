"""The OSS protocol core: request models, input rules, signing, conditions, errors, the client.

Nothing here imports the terminal UI or the emulator, so scripts and the headless command load
only what they use. Import the submodules directly (``from ossbrowse.oss import conditions``).
"""
