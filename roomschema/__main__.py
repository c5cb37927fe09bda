from roomschema.cli.main import main

main()
