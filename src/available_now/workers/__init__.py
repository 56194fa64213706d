"""Background workers that run beside the dispatcher: the expiry worker now, more later.

They sit between the bot and the services: they call use cases, wait on a `WorkSignal` the
use cases raise, and speak to people only through small notifier protocols that the bot
layer implements, so no worker imports `available_now.bot`.
"""
