// swift-tools-version:6.1
// The swarmsim package: a packet-level simulator of Docker Swarm's routing.
//
// Layers (dependencies point down only; see README "Design"):
//   swarmsim (CLI) -> SwarmSimScenario -> SwarmSimSwarm, SwarmSimApps, SwarmSimCapture -> SwarmSimCore
//   SwarmSimCore holds Engine, Wire and Kernel (the hot path, one module). SwarmSimSwarm is the
//   control plane (libnetwork/swarmkit); SwarmSimApps talk to sockets only; neither knows the other.
//   CPcap is the only C target and only SwarmSimCapture imports it.
// Benchmarks (ordo-one/benchmark, Benchmarks/<Name>/<Name>.swift) are declared only when
// SWARMSIM_BENCHMARKS is set, so `swift test` neither resolves nor builds them:
//     SWARMSIM_BENCHMARKS=1 swift package --scratch-path .build-bench --disable-sandbox benchmark
import PackageDescription

import class Foundation.ProcessInfo

let package = Package(
    name: "swarmsim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swarmsim", targets: ["swarmsim"]),
        .library(name: "SwarmSimCore", targets: ["SwarmSimCore"]),
        .library(name: "SwarmSimCapture", targets: ["SwarmSimCapture"]),
        .library(name: "SwarmSimApps", targets: ["SwarmSimApps"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        .target(
            name: "SwarmSimCore",
            // The packet path is all class properties; dynamic exclusivity checks cost more than
            // half of its instructions (callgrind). Debug builds, and so the tests, keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        .target(name: "SwarmSimCapture", dependencies: ["SwarmSimCore", "CPcap"]),
        .target(
            name: "SwarmSimApps", dependencies: ["SwarmSimCore"],
            // The applications run inside the packet path (socket callbacks); same reasoning.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(name: "SwarmSimSwarm", dependencies: ["SwarmSimCore"]),
        .target(
            name: "SwarmSimScenario",
            dependencies: [
                "SwarmSimCore", "SwarmSimCapture", "SwarmSimApps", "SwarmSimSwarm",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "swarmsim",
            dependencies: [
                "SwarmSimCore",
                "SwarmSimCapture",
                "SwarmSimScenario",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: tshark and libpcap read-back checks, temporary directories.
        .target(name: "TestSupport", dependencies: ["SwarmSimCore", "CPcap"], path: "Tests/TestSupport"),
        .testTarget(name: "SwarmSimCoreTests", dependencies: ["SwarmSimCore", "TestSupport"]),
        .testTarget(name: "SwarmSimCaptureTests", dependencies: ["SwarmSimCapture", "SwarmSimCore", "CPcap", "TestSupport"]),
        // The kernel model's packets as Wireshark sees them: topologies captured to pcap, checked with tshark.
        .testTarget(name: "KernelCaptureTests", dependencies: ["SwarmSimCore", "SwarmSimCapture", "TestSupport"]),
        .testTarget(name: "SwarmSimAppsTests", dependencies: ["SwarmSimApps", "SwarmSimCore", "TestSupport"]),
        .testTarget(name: "SwarmSimSwarmTests", dependencies: ["SwarmSimSwarm", "SwarmSimCore", "SwarmSimCapture", "TestSupport"]),
        // Golden/ holds the scenarios' snapshots, read by path (not bundled resources).
        .testTarget(
            name: "SwarmSimScenarioTests", dependencies: ["SwarmSimScenario", "SwarmSimCore", "TestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "swarmsimTests", dependencies: ["swarmsim"]),
    ]
)

if ProcessInfo.processInfo.environment["SWARMSIM_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"])
    )
    for name in ["EngineBenchmarks", "WireBenchmarks", "KernelBenchmarks", "IPVSBenchmarks", "AppBenchmarks"] {
        package.targets.append(
            .executableTarget(
                name: name,
                dependencies: [.product(name: "Benchmark", package: "benchmark"), "SwarmSimCore", "SwarmSimCapture", "SwarmSimApps"],
                path: "Benchmarks/\(name)",
                plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
            )
        )
    }
}
