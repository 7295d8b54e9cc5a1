// swift-tools-version:6.0
// Ember's benchmarks: a separate package, so the main build and CI never compile them.
//   cd Benchmarks && swift run -c release EmberBench [--mb 64]
import PackageDescription

let package = Package(
    name: "EmberBenchmarks",
    dependencies: [.package(name: "Ember", path: "..")],
    targets: [
        .executableTarget(name: "EmberBench", dependencies: [.product(name: "Engine", package: "Ember")]),
    ],
    swiftLanguageModes: [.v6]
)
