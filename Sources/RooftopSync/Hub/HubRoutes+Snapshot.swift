import Foundation
import Hummingbird
import HTTPTypes
import RooftopStore
import RooftopHTTP

extension HubRoutes {
    /// `GET /sync/v1/snapshot`: see ``SnapshotStore`` and `sync-protocol/sync-exchange.md#snapshot-bootstrap`.
    /// Honours one `Range: bytes=a-` or `bytes=a-b` (RFC 9110 §14.2) when `If-Range` is absent or
    /// names the current snapshot's ETag; any other range form gets the whole frame (200).
    func snapshot(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        _ = try await context.peerRooftop()
        guard let layout = request.uri.queryParameters.get("layout") else {
            throw ProblemDetails(.badRequest, code: "VALIDATION", detail: "the layout query parameter is required (the caller's replica storage layout)")
        }
        guard layout == Replica.storageLayout else {
            throw ProblemDetails(.conflict, code: "LAYOUT_MISMATCH", title: "Storage layout mismatch",
                                 detail: "the hub's replica layout is \(Replica.storageLayout), the caller's \(layout): pull changesets instead")
        }
        let minChangesText = request.uri.queryParameters.get("minChanges") ?? "0"
        guard let minChanges = Int(minChangesText), minChanges >= 0 else {
            throw ProblemDetails(.badRequest, code: "VALIDATION", detail: "minChanges must be a non-negative integer")
        }
        if minChanges > 0, !(try await replica.perform { try $0.holdsChanges(atLeast: minChanges) }) {
            return Response(status: .noContent)
        }
        let snapshot: SnapshotStore.Snapshot
        do { snapshot = try await snapshots.snapshot() } catch is SnapshotStore.SnapshotUnavailable {
            throw ProblemDetails(.serviceUnavailable, code: "SNAPSHOT_UNAVAILABLE", detail: "erasures kept landing while a snapshot was made; pull changesets instead")
        }
        let etag = "\"\(snapshot.sha256)\""
        var headers: HTTPFields = [
            .contentType: SyncProtocol.snapshotMediaType, .eTag: etag, .acceptRanges: "bytes",
            HTTPField.Name(SyncProtocol.vectorHeader)!: String(decoding: try JSONEncoder().encode(snapshot.versionVector), as: UTF8.self),
            HTTPField.Name(SyncProtocol.snapshotSizeHeader)!: String(snapshot.uncompressedBytes),
        ]
        var range = 0...(snapshot.bytes - 1)
        var status = HTTPResponse.Status.ok
        if let asked = request.headers[.range].flatMap(Self.byteRange), request.headers[.ifRange].map({ $0 == etag }) ?? true {
            guard asked.lowerBound < snapshot.bytes else {
                headers[.contentRange] = "bytes */\(snapshot.bytes)"
                var response = try ProblemDetails(.rangeNotSatisfiable, code: "RANGE_NOT_SATISFIABLE",
                                                  detail: "the snapshot is \(snapshot.bytes) bytes").response(from: request, context: context)
                response.headers[.contentRange] = "bytes */\(snapshot.bytes)"
                return response
            }
            range = asked.lowerBound...min(asked.upperBound, snapshot.bytes - 1)
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(snapshot.bytes)"
        }
        headers[.contentLength] = String(range.count)
        let body = try await FileIO().loadFile(path: snapshot.path, range: range, context: context)
        return Response(status: status, headers: headers, body: body)
    }

    /// `bytes=a-` or `bytes=a-b` (a ≤ b), else nil.
    static func byteRange(_ header: String) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes=") else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-"), let start = Int(spec[..<dash]), start >= 0 else { return nil }
        let endText = spec[spec.index(after: dash)...]
        if endText.isEmpty { return start...Int.max }
        guard let end = Int(endText), end >= start else { return nil }
        return start...end
    }
}
