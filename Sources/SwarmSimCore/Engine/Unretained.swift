/// A reference to an object that outlives its holder, used without reference counting: a
/// device's namespace and world, a veth's peer, a connection's protocol.
///
/// An `unowned(unsafe)` stored property saves the retain a strong one costs when it is set,
/// but every call through it still copies the reference: the compiler wraps each use in a
/// retain and a release (two atomic operations; on the per-hop functions of the HTTP benchmark
/// they were a tenth of all samples). A call through `borrow` lends the object to its body
/// instead (`Unmanaged._withUnsafeGuaranteedRef`), with no reference counting at all, as a
/// strong `let` would, but without the strong reference that would make a cycle with the
/// owner. The owner guarantees the object lives as long as the holder.
@frozen public struct Unretained<Object: AnyObject> {
    @usableFromInline let unmanaged: Unmanaged<Object>

    @inlinable public init(_ object: Object) {
        unmanaged = .passUnretained(object)
    }

    /// The object as an ordinary reference, for code off the per-packet path.
    @inlinable public var object: Object { unmanaged.takeUnretainedValue() }

    /// Calls `body` with the object borrowed: no retain and no release.
    @inlinable @inline(__always)
    public func borrow<Result>(_ body: (Object) -> Result) -> Result {
        unmanaged._withUnsafeGuaranteedRef(body)
    }

    /// `borrow` for a body that throws a typed error (the standard library's borrow rethrows
    /// untyped errors, so the error is cast back, on the error path only).
    @inlinable @inline(__always)
    public func borrow<Result, Failure: Error>(_ body: (Object) throws(Failure) -> Result) throws(Failure) -> Result {
        do {
            return try unmanaged._withUnsafeGuaranteedRef(body)
        } catch {
            throw error as! Failure
        }
    }

    /// Whether both refer to the same object (`===` without loading either).
    @inlinable public static func === (a: Unretained, b: Unretained) -> Bool {
        a.unmanaged.toOpaque() == b.unmanaged.toOpaque()
    }
}
