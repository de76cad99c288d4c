// swift-tools-version:6.1
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "homeward",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HomewardLMDB", targets: ["HomewardLMDB"]),
        .library(name: "HomewardStore", targets: ["HomewardStore"]),
        .library(name: "Homeward", targets: ["Homeward"]),
        .library(name: "HomewardTesting", targets: ["HomewardTesting"]),
        .executable(name: "homeward", targets: ["HomewardCLI"]),
        .executable(name: "homeward-bench", targets: ["HomewardBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "HomewardCLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"]), .brew(["lmdb"])]
        ),
        .target(
            name: "HomewardLMDB",
            dependencies: [
                "HomewardCLMDB",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .target(name: "HomewardCSHA256"),
        .target(
            name: "HomewardStore",
            dependencies: [
                "HomewardLMDB",
                "HomewardCSHA256",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "Homeward",
            dependencies: ["HomewardStore", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Events/generate-events.py"],
            swiftSettings: settings
        ),
        .target(
            name: "HomewardTesting",
            dependencies: ["HomewardStore", "Homeward"],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "HomewardCLI",
            dependencies: [
                "HomewardStore",
                "Homeward",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "HomewardBenchmarks",
            dependencies: ["Homeward", "HomewardStore", "HomewardLMDB", "HomewardCLMDB"],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "HomewardStoreProbe",
            dependencies: ["HomewardStore", "Homeward"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "HomewardLMDBTests",
            dependencies: ["HomewardLMDB", "HomewardTesting"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "HomewardTests",
            dependencies: ["Homeward", "HomewardStore", "HomewardTesting", "HomewardCLI", "HomewardStoreProbe"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "HomewardCLITests",
            dependencies: ["HomewardCLI", "Homeward", "HomewardStore", "HomewardLMDB", "HomewardTesting"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "HomewardStoreTests",
            dependencies: [
                "HomewardStore", "HomewardLMDB", "HomewardCSHA256", "HomewardTesting", "HomewardStoreProbe", "Homeward",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings
        ),
    ],
    swiftLanguageModes: [.v6]
)
