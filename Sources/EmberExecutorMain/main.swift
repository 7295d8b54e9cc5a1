// ember-executor: the dedicated executor binary. A Session launches it (found next to the
// running program, or through EMBER_EXECUTOR_PATH) when the program does not re-execute itself.

@_spi(EmberInternal) import Executor

ExecutorProcess.main()
