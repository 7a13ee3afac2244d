FROM rockylinux:9
RUN yum install -y httpd-2.4.62
# expect-lines: 2
