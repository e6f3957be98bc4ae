import Foundation
import NIOCore
import NIOHTTP1

/// Answers the HTTP parser's own errors (unknown method, bad request line, oversized or malformed
/// headers) with a 400 `application/problem+json` body, code `BAD_REQUEST`, then closes the
/// connection, instead of Hummingbird's empty 400.
///
/// Add ``installer()`` to `HTTP1Channel.Configuration.additionalChannelHandlers`: it places the
/// handler right after NIOHTTP1's request decoder (where the parser's errors are first seen and
/// responses can still be written as NIOHTTP1 parts) and removes itself. While a response is being
/// written the error is passed on unchanged (Hummingbird closes the connection).
public final class ParserErrorProblemHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    /// Requests whose head arrived and whose response has not ended.
    private var inFlight = 0
    private var answered = false

    public init() {}

    /// A handler to add with Hummingbird's additional channel handlers; it installs a
    /// ``ParserErrorProblemHandler`` after the request decoder and removes itself.
    public static func installer() -> any RemovableChannelHandler { Installer() }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { inFlight += 1 }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { inFlight = max(0, inFlight - 1) }
        context.write(data, promise: promise)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError, inFlight == 0, !answered else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let problem = ProblemDetails(.badRequest, code: "BAD_REQUEST", title: "Bad request",
                                     detail: "the request is not valid HTTP/1.1 (\(Self.reason(parse))); the connection is closed")
        let body = (try? encoder.encode(problem)).map { Array($0) } ?? []
        var head = HTTPResponseHead(version: .http1_1, status: .badRequest)
        head.headers.add(name: "Content-Type", value: ProblemDetails.mediaType)
        head.headers.add(name: "Content-Length", value: String(body.count))
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        // Not passed on: Hummingbird would write its own empty 400 after this one. The decoder
        // closes the channel once this returns (as with NIO's HTTPServerProtocolErrorHandler).
        context.close(promise: nil)
    }

    static func reason(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidMethod: "unknown method"
        case .headerOverflow: "headers too large"
        case .invalidURL, .invalidPath: "bad request target"
        case .invalidVersion: "bad HTTP version"
        case .invalidHeaderToken, .invalidConstant, .strictModeAssertion, .lfExpected, .invalidCharactersUsed: "bad request line or header"
        case .invalidContentLength, .unexpectedContentLength, .invalidChunkSize: "bad body length"
        default: "malformed request"
        }
    }

    /// Installs the handler after `ByteToMessageHandler<HTTPRequestDecoder>`, then removes itself.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try? pipeline.addHandler(ParserErrorProblemHandler(), position: .after(decoder))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
