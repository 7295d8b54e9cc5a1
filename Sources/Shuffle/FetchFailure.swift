// FetchFailure: a shuffle block that could not be read (Spark's FetchFailedException). The reader
// throws it, the task reports it as its failure reason, and the driver's scheduler unregisters
// exactly the map output it names and recomputes it; none of them read it back out of text.

@_spi(EmberInternal) import Planner

/// The block a reducer could not read, and why.
@_spi(EmberInternal) public struct FetchFailure: Error, Sendable, Codable, CustomStringConvertible {
    @_spi(EmberInternal) public var shuffleId: ShuffleID
    /// The map task attempt that wrote the block's files.
    @_spi(EmberInternal) public var mapId: TaskID
    @_spi(EmberInternal) public var mapIndex: Int
    @_spi(EmberInternal) public var reduceId: Int
    /// The executor that wrote the files (whose output is recomputed).
    @_spi(EmberInternal) public var executorId: ExecutorID
    /// The file that could not be read (index or data).
    @_spi(EmberInternal) public var file: String
    /// The error as the user sees it: what went wrong with the block, its context and a hint.
    @_spi(EmberInternal) public var error: EmberError

    @_spi(EmberInternal) public init(shuffleId: ShuffleID, mapId: TaskID, mapIndex: Int, reduceId: Int, executorId: ExecutorID, file: String,
                error: EmberError) {
        self.shuffleId = shuffleId
        self.mapId = mapId
        self.mapIndex = mapIndex
        self.reduceId = reduceId
        self.executorId = executorId
        self.file = file
        self.error = error
    }

    /// Spark's name of the block, e.g. `shuffle_0_3_1`.
    @_spi(EmberInternal) public var blockName: String { "shuffle_\(shuffleId.value)_\(mapId.value)_\(reduceId)" }

    @_spi(EmberInternal) public var description: String { error.description }
}
