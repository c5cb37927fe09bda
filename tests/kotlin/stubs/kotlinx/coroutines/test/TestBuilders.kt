@file:JvmName("TestBuildersKt")

package kotlinx.coroutines.test

import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineScope

// kotlinx-coroutines-test 1.7+ (JVM): TestResult is Unit, so `fun t() = runTest { }` is a
// void JUnit method.
public typealias TestResult = Unit

public interface TestScope : CoroutineScope

public fun runTest(
    context: CoroutineContext = EmptyCoroutineContext,
    timeout: Duration = 60.seconds,
    testBody: suspend TestScope.() -> Unit,
): TestResult = TODO()
