/*
 * The echo floor of perf/compare: the least a UDP DNS server on this machine can do per query.
 *
 * It receives queries in batches with recvmmsg, turns each into a reply by setting QR and RA in place
 * (no lookup, no answer records), and sends the batch back with sendmmsg. What ActorDns, Knot and NSD
 * spend per query above this program is what their lookup, parsing and bookkeeping cost.
 *
 * Usage: echo-floor ADDRESS PORT [THREADS]
 *   Each thread has its own socket on ADDRESS:PORT (SO_REUSEPORT), as a server with one receive loop
 *   per core has. Runs until SIGTERM or SIGINT.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MESSAGE 512
#define RCVBUF (4 << 20)

static struct sockaddr_in listen_on;

static int open_socket(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int one = 1, size = RCVBUF;
    if (fd < 0
        || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0
        || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0
        || bind(fd, (struct sockaddr *)&listen_on, sizeof listen_on) != 0) {
        perror("echo-floor: socket");
        exit(1);
    }
    return fd;
}

static void *serve(void *argument)
{
    int fd = (int)(long)argument;
    static __thread unsigned char buffers[BATCH][MESSAGE];
    static __thread struct sockaddr_in peers[BATCH];
    static __thread struct iovec vectors[BATCH];
    static __thread struct mmsghdr messages[BATCH];

    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            vectors[i] = (struct iovec){ .iov_base = buffers[i], .iov_len = MESSAGE };
            messages[i].msg_hdr = (struct msghdr){
                .msg_name = &peers[i], .msg_namelen = sizeof peers[i], .msg_iov = &vectors[i], .msg_iovlen = 1 };
        }
        int received = recvmmsg(fd, messages, BATCH, MSG_WAITFORONE, NULL);
        if (received < 0) {
            if (errno == EINTR)
                continue;
            perror("echo-floor: recvmmsg");
            exit(1);
        }
        int replies = 0;
        for (int i = 0; i < received; i++) {
            unsigned int length = messages[i].msg_len;
            if (length < 12)
                continue; /* not even a header: dropped, as a server would */
            buffers[i][2] |= 0x80; /* QR */
            buffers[i][3] = 0x80;  /* RA, RCODE 0 */
            vectors[i].iov_len = length;
            if (replies != i)
                messages[replies] = messages[i];
            replies++;
        }
        for (int sent = 0; sent < replies;) {
            int n = sendmmsg(fd, messages + sent, replies - sent, 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                break; /* a full send buffer drops the rest of the batch, as UDP may */
            }
            sent += n;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: echo-floor ADDRESS PORT [THREADS]\n");
        return 2;
    }
    listen_on.sin_family = AF_INET;
    listen_on.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &listen_on.sin_addr) != 1) {
        fprintf(stderr, "echo-floor: not an IPv4 address: %s\n", argv[1]);
        return 2;
    }
    int threads = argc == 4 ? atoi(argv[3]) : 1;
    if (threads < 1) {
        fprintf(stderr, "echo-floor: THREADS must be at least 1\n");
        return 2;
    }
    for (int i = 1; i < threads; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, serve, (void *)(long)open_socket()) != 0) {
            perror("echo-floor: pthread_create");
            return 1;
        }
    }
    serve((void *)(long)open_socket());
    return 0;
}
