// swift-tools-version:6.0
// Ember: a Spark-like dataflow engine. Module graph (one-way edges):
//   Planner <- Shuffle <- Executor <- Engine <- ember (CLI), examples, TPCHQueries (Benchmarks/TPCH)
//   TPCHQueries <- ember (`ember bench tpch`)
//   CZstd (system library over Debian's libzstd-dev) <- Shuffle
//   CSnappy, CLZ4, CZlib (libsnappy-dev, liblz4-dev, zlib1g-dev: Parquet's codecs) <- Executor
//   CMalloc (glibc malloc.h: MallocTuning) <- Executor
//   CPrefetch (the compiler's prefetch hint: the hash join probe) <- Executor
import PackageDescription

let package = Package(
    name: "Ember",
    products: [
        .library(name: "Engine", targets: ["Engine"]),
        .executable(name: "ember", targets: ["ember"]),
        .executable(name: "ember-executor", targets: ["ember-executor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        .target(name: "Planner", path: "Sources/Planner"),
        .target(name: "Shuffle", dependencies: ["Planner", "CZstd"], path: "Sources/Shuffle"),
        .target(name: "Executor", dependencies: ["Planner", "Shuffle", "CZstd", "CSnappy", "CLZ4", "CZlib", "CMalloc", "CPrefetch"], path: "Sources/Executor"),
        .target(
            name: "Engine",
            dependencies: [
                "Planner", "Shuffle", "Executor", "CZstd",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Engine"),
        .executableTarget(
            name: "ember",
            dependencies: [
                "Engine", "Executor", "TPCHQueries",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/EmberCLI"),
        .executableTarget(name: "ember-executor", dependencies: ["Executor"], path: "Sources/EmberExecutorMain"),
        .executableTarget(name: "WordCountExample", dependencies: ["Engine"], path: "Examples/WordCount"),
        .executableTarget(name: "GroupByExample", dependencies: ["Engine"], path: "Examples/GroupBy"),
        .target(name: "TPCHQueries", dependencies: ["Engine"], path: "Benchmarks/TPCH", exclude: ["sql"]),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "Planner", "Shuffle", "Executor", "ember", "ember-executor", "TPCHQueries"],
            path: "Tests/EngineTests"),
    ],
    swiftLanguageModes: [.v6]
)
