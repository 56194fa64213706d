from available_now.cli import main

main()
