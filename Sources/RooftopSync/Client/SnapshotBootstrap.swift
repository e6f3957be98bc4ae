import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopWire

/// What a snapshot download did (`sync-protocol/sync-exchange.md#snapshot-bootstrap`).
public struct SnapshotDownload: Sendable, Equatable {
    /// Bytes received in this call (a resumed download receives only the rest).
    public var receivedBytes: Int
    /// Bytes already on disk from an earlier, interrupted download, kept.
    public var resumedFromBytes: Int
    /// The whole frame's size in bytes.
    public var totalBytes: Int
    /// Whether the frame is complete on disk (false when stopped by `stoppingAfter`).
    public var complete: Bool
}

extension SyncClient {
    /// The files of a snapshot download, next to the replica: the frame as received so far
    /// (`.snapshot.part`), its entity tag (`.snapshot.etag`) and the decompressed copy.
    struct SnapshotFiles {
        let part: URL, etag: URL, plain: URL
        init(replicaPath: String) {
            part = URL(fileURLWithPath: replicaPath + ".snapshot.part")
            etag = URL(fileURLWithPath: replicaPath + ".snapshot.etag")
            plain = URL(fileURLWithPath: replicaPath + ".snapshot.sqlite")
        }
        func removeAll() {
            for url in [part, etag, plain] { try? FileManager.default.removeItem(at: url) }
            for suffix in ["-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: plain.path + suffix) }
        }
    }

    /// Bootstraps an empty replica from the hub's snapshot when the hub holds at least
    /// ``snapshotThreshold`` changes: downloads it (resuming a download a kill interrupted),
    /// checks its SHA-256, decompresses and adopts it. The caller then pulls what came after.
    /// - Returns: the download, or nil when no snapshot was used (the hub holds fewer changes,
    ///   has another storage layout, or has no snapshot endpoint): the pull then does it all.
    /// - Throws: ``SyncError`` when the hub cannot be reached or the snapshot is unusable (the
    ///   replica is left empty and the partial download removed).
    func bootstrapFromSnapshot(into report: inout SyncReport) async throws -> SnapshotDownload? {
        let files = SnapshotFiles(replicaPath: replica.path)
        let empty = try await replica.perform { try $0.isEmpty() && $0.syncState(SyncStateKeys.lastSyncAt) == nil }
        guard let threshold = snapshotThreshold, empty else {
            files.removeAll()  // left by an earlier attempt: they hold the group's data, remove them
            return nil
        }
        guard let download = try await downloadSnapshot(minimumChanges: threshold) else {
            files.removeAll()
            return nil
        }
        defer { files.removeAll() }
        do {
            try Zstd.decompressFile(at: files.part, to: files.plain, limit: 1 << 40)
        } catch {
            throw SyncError(.badResponse, "the hub's snapshot could not be decompressed (removed; the next sync downloads it again): \(error)")
        }
        let adopted: SnapshotAdoption
        do {
            adopted = try await replica.perform { [path = files.plain.path] in try $0.adoptSnapshot(at: path) }
        } catch let error as ReplicaError where error.code == .invalid {
            // Not adoptable here (a local write came first, another schema): the pull does it all.
            return nil
        }
        report.pulled += adopted.changes
        report.applied += adopted.changes
        report.snapshotBytes += download.receivedBytes
        report.snapshotResumedBytes += download.resumedFromBytes
        return download
    }

    /// Downloads the hub's snapshot frame to `<replica>.snapshot.part`, resuming with `Range` /
    /// `If-Range` (RFC 9110 §14.2, §13.1.5) from what an interrupted download left, and checks
    /// the whole frame's SHA-256 against the entity tag.
    /// - Parameters:
    ///   - minimumChanges: ask for a snapshot only if the hub holds at least this many changes.
    ///   - stoppingAfter: stop once this many bytes are on disk, as a kill would (tests, benchmarks).
    /// - Returns: nil when the hub offers no snapshot (fewer changes, another layout, an older hub).
    /// - Throws: ``SyncError``; a frame whose SHA-256 does not match is removed.
    public func downloadSnapshot(minimumChanges: Int = 0, stoppingAfter: Int? = nil) async throws -> SnapshotDownload? {
        let files = SnapshotFiles(replicaPath: replica.path)
        var have = (try? FileManager.default.attributesOfItem(atPath: files.part.path)[.size] as? NSNumber)?.intValue ?? 0
        let savedTag = try? String(contentsOf: files.etag, encoding: .utf8)
        if savedTag == nil { have = 0 }
        // Killed after the download completed but before the adoption: nothing to fetch.
        if have > 0, let savedTag, savedTag.count == 66, (try? Self.sha256(of: files.part)) == savedTag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) {
            return SnapshotDownload(receivedBytes: 0, resumedFromBytes: have, totalBytes: have, complete: true)
        }
        var path = "snapshot?layout=\(Replica.storageLayout)&minChanges=\(minimumChanges)"
        path = path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? path
        var request = HTTPClientRequest(url: hub.absoluteString.trimmingSuffix("/") + SyncProtocol.prefix + "/" + path)
        if have > 0, let savedTag {
            request.headers.add(name: "Range", value: "bytes=\(have)-")
            request.headers.add(name: "If-Range", value: savedTag)
        }
        guard let http else { return nil }  // not over HTTP (the soak's in-process hub): pull changesets
        let response: HTTPClientResponse
        do { response = try await http.execute(request, timeout: .seconds(3_600)) } catch { throw Self.classify(error, hub: hub) }
        switch response.status {
        case .noContent, .notFound, .conflict, .serviceUnavailable:  // none (or an older hub): pull changesets
            _ = try? await response.body.collect(upTo: 1 << 20)
            return nil
        case .ok:
            have = 0
        case .partialContent:
            break
        case .rangeNotSatisfiable:  // what is on disk is not a prefix of the current snapshot: start again
            _ = try? await response.body.collect(upTo: 1 << 20)
            files.removeAll()
            return try await downloadSnapshot(minimumChanges: minimumChanges, stoppingAfter: stoppingAfter)
        default:
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Array(buffer: $0) } ?? []
            throw problem(response.status, body)
        }
        guard let etag = response.headers.first(name: "ETag"), etag.count == 66,
            let total = Self.totalBytes(response.headers, status: response.status)
        else { throw SyncError(.badResponse, "the snapshot answer lacks its ETag or size") }
        if response.status == .partialContent {
            guard response.headers.first(name: "Content-Range")?.hasPrefix("bytes \(have)-") == true else {
                throw SyncError(.badResponse, "the hub answered another range than bytes=\(have)-")
            }
            guard etag == savedTag else {  // If-Range makes this impossible from a conforming hub
                files.removeAll()
                throw SyncError(.badResponse, "the hub sent the rest of another snapshot than the one on disk; removed, the next sync starts again")
            }
        }
        try etag.write(to: files.etag, atomically: true, encoding: .utf8)
        if !FileManager.default.fileExists(atPath: files.part.path) || have == 0 {
            try? PrivateFiles.createIfAbsent(atPath: files.part.path)  // 0600; opening it below reports a failure
        }
        let handle = try FileHandle(forWritingTo: files.part)
        var received = 0
        do {
            try handle.truncate(atOffset: UInt64(have))
            try handle.seekToEnd()
            for try await buffer in response.body {
                try handle.write(contentsOf: buffer.readableBytesView)
                received += buffer.readableBytes
                if let handler = progressHandler.withLock({ $0 }) {
                    handler(SyncProgress(pulled: 0, remaining: 0, snapshotBytes: have + received, snapshotTotalBytes: total))
                }
                if let stoppingAfter, have + received >= stoppingAfter {
                    try handle.close()
                    return SnapshotDownload(receivedBytes: received, resumedFromBytes: have, totalBytes: total, complete: false)
                }
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw Self.classify(error, hub: hub)
        }
        guard have + received == total, try Self.sha256(of: files.part) == etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) else {
            files.removeAll()
            throw SyncError(.badResponse, "the snapshot received (\(have + received) of \(total) bytes) does not match its SHA-256; removed, the next sync downloads it again")
        }
        return SnapshotDownload(receivedBytes: received, resumedFromBytes: have, totalBytes: total, complete: true)
    }

    /// The whole frame's size: `Content-Length` of a 200, the `/size` of a 206's `Content-Range`.
    static func totalBytes(_ headers: HTTPHeaders, status: HTTPResponseStatus) -> Int? {
        if status == .partialContent {
            return headers.first(name: "Content-Range")?.split(separator: "/").last.flatMap { Int($0) }
        }
        return headers.first(name: "Content-Length").flatMap { Int($0) }
    }

    static func sha256(of file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
