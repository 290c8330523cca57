package dev.shardline.testkit.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes a transaction's COMMIT marker on one partition of a {@link LocalKafka} broker, the way its
 * transaction coordinator does ({@code WriteTxnMarkers}, an inter-broker request). For tests that
 * must tell a client's fault from the broker's: Kafka 4.3.1's coordinator skips the markers of a
 * transaction that ends while a partition it wrote to has no leader, and completes it anyway (see
 * {@code dev.shardline.kafka.internal.HangingTransactions}), so the partition keeps the committed
 * transaction open and read_committed consumers stop there. Writing the marker the coordinator
 * should have written puts the partition where a correct broker would have left it. ({@code
 * Admin.abortTransaction} can only write ABORT markers.)
 *
 * <p>Only for a broker without an authorizer (the request needs {@code CLUSTER_ACTION}), such as
 * {@link LocalKafka}. Stateless; thread-safe.
 */
public final class TransactionMarkers {
  private static final short VERSION = 2;
  private static final int TIMEOUT_MS = 30_000;

  private TransactionMarkers() {}

  /**
   * Writes the COMMIT marker of producer {@code producerId}'s open transaction on {@code
   * partition}, through the partition's leader at {@code leaderHostPort}.
   *
   * @param markerEpoch the producer epoch the coordinator ended the transaction with (with
   *     transaction version 2 one more than the epoch the records were written with)
   * @param coordinatorEpoch the coordinator epoch to write: at least that of the producer's last
   *     marker on the partition (0 when it has none)
   * @param transactionVersion the transaction's version, as its coordinator would send it: 2 when
   *     it ended the transaction at the next epoch, 1 when at the same epoch
   * @throws IllegalStateException when the broker refuses the marker (its error is named)
   */
  public static void commit(
      String leaderHostPort,
      TopicPartition partition,
      long producerId,
      short markerEpoch,
      int coordinatorEpoch,
      short transactionVersion) {
    Objects.requireNonNull(leaderHostPort, "leaderHostPort");
    Objects.requireNonNull(partition, "partition");
    WriteTxnMarkersRequest.TxnMarkerEntry marker =
        new WriteTxnMarkersRequest.TxnMarkerEntry(
            producerId,
            markerEpoch,
            coordinatorEpoch,
            TransactionResult.COMMIT,
            List.of(partition),
            transactionVersion);
    WriteTxnMarkersRequest request =
        new WriteTxnMarkersRequest.Builder(List.of(marker)).build(VERSION);
    RequestHeader header =
        new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, VERSION, "shardline-testkit-markers", 1);
    InetSocketAddress address =
        new InetSocketAddress(Utils.getHost(leaderHostPort), Utils.getPort(leaderHostPort));
    try (Socket socket = new Socket()) {
      socket.connect(address, TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      ByteBuffer buffer = request.serializeWithHeader(header);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] answer = new byte[in.readInt()];
      in.readFully(answer);
      WriteTxnMarkersResponse response =
          (WriteTxnMarkersResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
      Errors error = response.errorsByProducerId().get(producerId).get(partition);
      if (error != Errors.NONE) {
        throw new IllegalStateException(
            "The broker at "
                + leaderHostPort
                + " refused the COMMIT marker of producer "
                + producerId
                + " (epoch "
                + markerEpoch
                + ") on "
                + partition
                + ": "
                + error);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write a COMMIT marker on " + partition + " through " + leaderHostPort, e);
    }
  }
}
