FROM rockylinux:9
RUN yum install -y httpd-2.4.62 && yum clean all
RUN dnf install -y nginx-1.20.1 && dnf clean all
