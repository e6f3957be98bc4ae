// swift-tools-version:6.1
import PackageDescription

// Dependencies flow one way: Model → Replication → Wire/Store → CRM/HTTP → Sync/API → Node → CLI.
// The pure core (RooftopModel, RooftopReplication) imports neither NIO nor GRDB.
let package = Package(
    name: "Rooftop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rooftop", targets: ["rooftop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // libzstd from the system (apt: libzstd-dev).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

        // One process-wide SQLite setting Swift cannot make (sqlite3_config is variadic).
        .target(name: "CSQLiteTuning", linkerSettings: [.linkedLibrary("sqlite3")]),

        // The seed's entities, enums and normalisation (E.164, e-mail, VIN). Foundation only.
        .target(name: "RooftopModel"),

        // HLC, LWW registers, field stamps, changeset values, version vectors. Pure.
        .target(name: "RooftopReplication", dependencies: ["RooftopModel"]),

        // Changeset frames: header, versions, limits, zstd.
        .target(name: "RooftopWire", dependencies: ["RooftopReplication", "CZstd"]),

        // The SQLite replica: migrations, change capture, atomic apply, search, digest.
        .target(name: "RooftopStore", dependencies: [
            "RooftopModel", "RooftopReplication", "RooftopWire", "CSQLiteTuning",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // The CRM's domain layer between the store and the surfaces: generic entity service from the
        // declarations, segments, campaigns, surveys, journeys, interactions, loyalty.
        .target(name: "RooftopCRM", dependencies: [
            "RooftopModel", "RooftopReplication", "RooftopStore",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Realistic, deterministic dealership data (names, phones, addresses, VINs, labelled duplicates).
        .target(name: "RooftopGenerator", dependencies: ["RooftopModel", "RooftopReplication", "RooftopStore", "RooftopCRM"]),

        // ADF 1.0 XML leads and FEBRL/CSV customer files.
        .target(name: "RooftopImport", dependencies: [
            "RooftopModel", "RooftopStore", "RooftopCRM",
            .product(name: "SwiftCSV", package: "SwiftCSV"),
            .product(name: "CSV", package: "CSV.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // HTTP plumbing the hub and the staff API share: RFC 9457 problems, 405 with Allow, parser errors.
        .target(name: "RooftopHTTP", dependencies: [
            "RooftopModel",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // Group CA and certificates, the hub's sync endpoints, the rooftop's sync client (mutual TLS).
        .target(name: "RooftopSync", dependencies: [
            "RooftopReplication", "RooftopWire", "RooftopStore", "RooftopHTTP",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),

        // The staff REST API: routes, JSON shapes, RFC 9457 problem+json, the OpenAPI document. Free of the sync transport.
        .target(name: "RooftopAPI", dependencies: [
            "RooftopModel", "RooftopReplication", "RooftopStore", "RooftopCRM", "RooftopHTTP", "RooftopImport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // A running node or hub: REST + sync loop + graceful shutdown.
        .target(name: "RooftopNode", dependencies: [
            "RooftopStore", "RooftopSync", "RooftopAPI", "RooftopWire", "RooftopHTTP", "RooftopImport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The `rooftop` command.
        .executableTarget(name: "rooftop", dependencies: [
            "RooftopModel", "RooftopReplication", "RooftopWire", "RooftopStore", "RooftopImport", "RooftopSync", "RooftopNode", "RooftopCRM", "RooftopHTTP",
            "RooftopGenerator",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),

        // Benchmarks that print figures (scripts/bench).
        .executableTarget(name: "rooftop-bench", dependencies: [
            "RooftopCRM", "RooftopModel", "RooftopReplication", "RooftopWire", "RooftopStore", "RooftopSync", "RooftopTesting", "RooftopGenerator",
            "RooftopAPI", "RooftopNode", "RooftopImport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),

        // The convergence soak over many seeds (scripts/soak).
        .executableTarget(name: "rooftop-sim", dependencies: ["RooftopTesting"]),

        // Temp replicas, a controllable clock, certificates and processes for tests.
        .target(name: "RooftopTesting", dependencies: [
            "RooftopReplication", "RooftopStore", "RooftopSync", "RooftopWire", "RooftopCRM", "RooftopHTTP", "RooftopGenerator",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "RooftopModelTests", dependencies: ["RooftopModel"]),
        .testTarget(name: "RooftopReplicationTests", dependencies: [
            "RooftopReplication", "RooftopTesting",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "RooftopWireTests", dependencies: ["RooftopWire", "RooftopTesting"]),
        .testTarget(name: "RooftopStoreTests", dependencies: [
            "RooftopStore", "RooftopTesting", "RooftopWire", "RooftopCRM",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "RooftopCRMTests", dependencies: [
            "RooftopCRM", "RooftopTesting",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RooftopImportTests", dependencies: ["RooftopImport", "RooftopTesting", "RooftopGenerator"]),
        .testTarget(name: "RooftopGeneratorTests", dependencies: ["RooftopGenerator", "RooftopTesting", "RooftopModel", "RooftopStore"]),
        .testTarget(name: "RooftopSyncTests", dependencies: [
            "RooftopSync", "RooftopTesting", "RooftopNode", "RooftopCRM", "RooftopHTTP", "RooftopImport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        .testTarget(name: "RooftopAPITests", dependencies: [
            "RooftopAPI", "RooftopTesting", "RooftopCRM", "RooftopHTTP",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
